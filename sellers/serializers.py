"""Seller API payloads."""

from rest_framework import serializers

from core.api.fields import CountryCodeField
from sellers.models import MemberRole, Seller, SellerInvitation, SellerMember


class SellerCreateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=120)
    legal_name = serializers.CharField(max_length=200)
    country = CountryCodeField()
    currency = serializers.CharField(min_length=3, max_length=3)


class SellerUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=120, required=False)
    legal_name = serializers.CharField(max_length=200, required=False)


class SellerSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The caller's role in this seller: owner or staff.")

    class Meta:
        model = Seller
        fields = [
            "id",
            "display_name",
            "legal_name",
            "country",
            "currency",
            "commission_percent",
            "payout_status",
            "role",
            "created_at",
        ]
        read_only_fields = fields

    def get_role(self, seller: Seller) -> str | None:
        membership = self.context.get("membership")
        return membership.role if membership else None


class PayoutOnboardingSerializer(serializers.Serializer):
    """Optional URLs Stripe sends the owner back to; defaults point at this API."""

    return_url = serializers.URLField(required=False)
    refresh_url = serializers.URLField(required=False)


class PayoutLinkSerializer(serializers.Serializer):
    url = serializers.CharField()
    payout_status = serializers.CharField()


class SellerMemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = SellerMember
        fields = ["id", "email", "role", "created_at"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=[MemberRole.STAFF], default=MemberRole.STAFF)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SellerInvitation
        fields = ["id", "email", "role", "status", "created_at", "accepted_at"]
        read_only_fields = fields


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64)
