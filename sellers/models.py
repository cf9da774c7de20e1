"""Sellers, the people who act for them (owner, staff), staff invitations and payout state.

A user belongs to at most one seller (a unique constraint on ``SellerMember.user``): every seller
endpoint acts "as the caller's seller" without a seller id in the URL, which only stays
unambiguous if there is one. A person who works for two companies uses two accounts.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def default_commission_percent() -> Decimal:
    """The platform default at the time the seller is created (migrations reference this)."""
    return settings.DEFAULT_COMMISSION_PERCENT


class PayoutStatus(models.TextChoices):
    PENDING = "pending", _("Pending (onboarding not finished)")
    ENABLED = "enabled", _("Enabled")
    RESTRICTED = "restricted", _("Restricted (payouts on hold)")


class Seller(models.Model):
    display_name = models.CharField(_("display name"), max_length=120)
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2; an SCO member or partner."))
    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("ISO 4217; prices of this seller's goods are in it.")
    )
    commission_percent = models.DecimalField(
        _("commission (%)"),
        max_digits=5,
        decimal_places=2,
        default=default_commission_percent,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Platform commission on this seller's sales, in percent. Editable by platform admins only."),
    )
    payout_status = models.CharField(
        _("payout status"), max_length=16, choices=PayoutStatus.choices, default=PayoutStatus.PENDING
    )
    stripe_account_id = models.CharField(
        _("Stripe account"), max_length=64, blank=True, help_text=_("Stripe Connect account (acct_...).")
    )
    # A seller with orders is never deleted (its orders, payouts and ledger refer to it): it is
    # suspended, which takes its goods off sale and keeps every record.
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.CharField(_("suspension reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_percent__gte=0) & Q(commission_percent__lte=100),
                name="seller_commission_percent_range",
            ),
            models.UniqueConstraint(
                fields=["stripe_account_id"], condition=~Q(stripe_account_id=""), name="seller_stripe_account_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.country})"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class SellerMember(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_memberships")
    role = models.CharField(max_length=8, choices=MemberRole.choices, default=MemberRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seller_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "user"], name="seller_member_unique"),
            # One seller per user (see the module docstring).
            models.UniqueConstraint(fields=["user"], name="seller_member_one_seller_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.seller} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"


class SellerInvitation(models.Model):
    """An owner's invitation for a person (by email) to join the seller as staff."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=8, choices=MemberRole.choices, default=MemberRole.STAFF)
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "seller",
                Lower("email"),
                condition=Q(status="pending"),
                name="seller_invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.seller} ({self.status})"


class SellerFollower(models.Model):
    """A buyer who follows a seller, and hears when its live streams are scheduled or start."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["seller", "user"], name="seller_follower_unique")]
        indexes = [models.Index(fields=["user", "-created_at"], name="seller_follower_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.seller_id}"
