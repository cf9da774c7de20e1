"""Account endpoints: register, token, me, my notifications."""

from drf_spectacular.utils import extend_schema
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
from accounts.services import notification_mark_read, user_register, user_token_obtain
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
        body = {"id": user.pk, "email": user.email, "token": token}
        return Response(RegisteredSerializer(body).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    # Brute-force protection: a few tries per minute per client address.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses=TokenSerializer)
    def post(self, request: Request) -> Response:
        payload = CredentialsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response({"token": user_token_obtain(**payload.validated_data)})


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
