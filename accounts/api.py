"""Account endpoints: register, token (login), logout, me, my notifications."""

from django.contrib.auth import logout
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.models import AuthToken
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.selectors import notification_get_for_user, notification_list_for_user, user_roles
from accounts.serializers import (
    CredentialsSerializer,
    MeSerializer,
    NotificationSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenSerializer,
)
from accounts.services import (
    api_token_revoke,
    api_tokens_revoke_all,
    notification_mark_read,
    user_register,
    user_token_obtain,
)
from core.api.pagination import PageNumberPagination


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer})
    def post(self, request: Request) -> Response:
        payload = RegisterSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user, token = user_register(**payload.validated_data)
        body = {"id": user.pk, "email": user.email, "token": token.key, "expiry": token.expiry}
        return Response(RegisteredSerializer(body).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    # Brute-force protection: a few tries per minute per client address (NUM_PROXIES decides
    # which address), and django-axes' lockout after LOGIN_FAILURE_LIMIT failures.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses=TokenSerializer)
    def post(self, request: Request) -> Response:
        payload = CredentialsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # The Django request: django-axes marks it when the client is locked out, and its
        # middleware answers 429 (accounts.lockout) instead of this view's 400.
        token = user_token_obtain(**payload.validated_data, request=request._request)
        return Response(TokenSerializer({"token": token.key, "expiry": token.expiry}).data)


class LogoutView(APIView):
    """Revoke the token this request was made with (``?all=true``: every token of the caller)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("all", bool, description="true: log out on every device")],
    )
    def post(self, request: Request) -> Response:
        if request.query_params.get("all") in ("true", "1"):
            api_tokens_revoke_all(user=request.user)
        elif isinstance(request.auth, AuthToken):
            api_token_revoke(token=request.auth)
        else:  # signed in by session (the browsable API): nothing to revoke but the session
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the caller (every device): the same as ``/auth/logout/?all=true``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        body = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "preferred_currency": user.preferred_currency,
            "roles": user_roles(user=user),
        }
        return Response(MeSerializer(body).data)


class NotificationListView(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination  # so the schema documents the paginated envelope

    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread") in ("true", "1")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            notification_list_for_user(user=request.user, unread_only=unread), request, view=self
        )
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, notification_id: int) -> Response:
        notification = notification_get_for_user(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notification_mark_read(notification=notification)).data)
