"""Seller endpoints: onboarding, the caller's seller profile, payouts, members and invitations, following.

Everything under ``sellers/me/`` acts on the caller's own seller (a user belongs to one), so no
seller id is ever taken from the URL and another seller's data cannot be addressed.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import PageNumberPagination
from sellers import services
from sellers.permissions import IsSellerMember, IsSellerOwner
from sellers.selectors import (
    seller_following_for_user,
    seller_get_public,
    seller_invitation_list,
    seller_member_list,
    seller_membership_for_user,
)
from sellers.serializers import (
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    PayoutLinkSerializer,
    PayoutOnboardingSerializer,
    SellerCreateSerializer,
    SellerMemberSerializer,
    SellerSerializer,
    SellerUpdateSerializer,
)


def _membership(request: Request):  # type: ignore[no-untyped-def]
    membership = getattr(request, "_seller_membership", None)
    return membership or seller_membership_for_user(user=request.user)


class SellerCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SellerCreateSerializer, responses={201: SellerSerializer})
    def post(self, request: Request) -> Response:
        payload = SellerCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        seller = services.seller_create(user=request.user, **payload.validated_data)
        membership = seller_membership_for_user(user=request.user)
        body = SellerSerializer(seller, context={"membership": membership}).data
        return Response(body, status=status.HTTP_201_CREATED)


class SellerMeView(APIView):
    permission_classes = [IsSellerMember]

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.request.method in ("PATCH", "PUT"):
            return [IsSellerOwner()]
        return super().get_permissions()

    @extend_schema(responses=SellerSerializer)
    def get(self, request: Request) -> Response:
        membership = _membership(request)
        return Response(SellerSerializer(membership.seller, context={"membership": membership}).data)

    @extend_schema(request=SellerUpdateSerializer, responses=SellerSerializer)
    def patch(self, request: Request) -> Response:
        membership = _membership(request)
        payload = SellerUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        seller = services.seller_update(seller=membership.seller, **payload.validated_data)
        return Response(SellerSerializer(seller, context={"membership": membership}).data)


class PayoutOnboardingView(APIView):
    permission_classes = [IsSellerOwner]

    @extend_schema(request=PayoutOnboardingSerializer, responses=PayoutLinkSerializer)
    def post(self, request: Request) -> Response:
        payload = PayoutOnboardingSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        seller = _membership(request).seller
        me_url = request.build_absolute_uri("/api/v1/sellers/me/")
        url = services.seller_payout_onboarding_start(
            seller=seller,
            user=request.user,
            return_url=payload.validated_data.get("return_url", me_url),
            refresh_url=payload.validated_data.get("refresh_url", me_url),
        )
        return Response({"url": url, "payout_status": seller.payout_status})


class MemberListView(APIView):
    permission_classes = [IsSellerMember]

    @extend_schema(responses=SellerMemberSerializer(many=True))
    def get(self, request: Request) -> Response:
        members = seller_member_list(seller=_membership(request).seller)
        return Response(SellerMemberSerializer(members, many=True).data)


class MemberDetailView(APIView):
    permission_classes = [IsSellerOwner]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, member_id: int) -> Response:
        member = get_object_or_404(seller_member_list(seller=_membership(request).seller), pk=member_id)
        services.seller_member_remove(member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(APIView):
    permission_classes = [IsSellerOwner]

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        invitations = seller_invitation_list(seller=_membership(request).seller)
        return Response(InvitationSerializer(invitations, many=True).data)

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def post(self, request: Request) -> Response:
        payload = InvitationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation = services.seller_invitation_create(
            seller=_membership(request).seller, invited_by=request.user, **payload.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(APIView):
    permission_classes = [IsSellerOwner]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, invitation_id: int) -> Response:
        invitation = get_object_or_404(seller_invitation_list(seller=_membership(request).seller), pk=invitation_id)
        services.seller_invitation_revoke(invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=InvitationAcceptSerializer, responses={201: SellerSerializer})
    def post(self, request: Request) -> Response:
        payload = InvitationAcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = services.seller_invitation_accept(token=payload.validated_data["token"], user=request.user)
        body = SellerSerializer(membership.seller, context={"membership": membership}).data
        return Response(body, status=status.HTTP_201_CREATED)


def following_rendering(follower) -> dict:  # type: ignore[no-untyped-def]
    seller = follower.seller
    return {
        "seller": {"id": seller.pk, "display_name": seller.display_name, "country": seller.country},
        "followed_at": follower.created_at,
    }


class SellerFollowView(APIView):
    """A buyer follows (POST) or unfollows (DELETE) a seller, to hear when its streams are scheduled or start."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, seller_id: int) -> Response:
        follower = services.seller_follow(seller=seller_get_public(seller_id=seller_id), user=request.user)
        return Response(following_rendering(follower), status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, seller_id: int) -> Response:
        services.seller_unfollow(seller=seller_get_public(seller_id=seller_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowingListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(seller_following_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response([following_rendering(row) for row in page or []])
