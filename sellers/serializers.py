"""Seller API payloads."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host
from django.utils.translation import gettext as _
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


def _our_url(value: str) -> str:
    """A URL on one of our hosts (PAYOUT_RETURN_HOSTS): never a link that sends a seller elsewhere."""
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not validate_host(host, settings.PAYOUT_RETURN_HOSTS):
        raise serializers.ValidationError(
            _("%(host)s is not one of our hosts; use a link to this site.") % {"host": repr(host or value)}
        )
    return value


class PayoutOnboardingSerializer(serializers.Serializer):
    """Optional URLs Stripe sends the owner back to (only to our own hosts); defaults point at this API."""

    return_url = serializers.URLField(required=False, max_length=2000, validators=[_our_url])
    refresh_url = serializers.URLField(required=False, max_length=2000, validators=[_our_url])


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
