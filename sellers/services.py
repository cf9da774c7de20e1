"""Seller writes: onboarding (SCO rule), profile, members and invitations, payouts, commission, followers."""

import logging
import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.money import currency_exists
from core.reference import country_get
from sellers import payouts
from sellers.exceptions import (
    AlreadySellerMember,
    CountryNotAllowed,
    InvitationEmailMismatch,
    InvitationNotFound,
    LastOwner,
    PayoutProviderError,
)
from sellers.models import (
    InvitationStatus,
    MemberRole,
    PayoutStatus,
    Seller,
    SellerFollower,
    SellerInvitation,
    SellerMember,
)
from sellers.signals import seller_sale_status_changed

logger = logging.getLogger(__name__)


def seller_country_check(*, country: str, on: date | None = None) -> None:
    """Raise ``CountryNotAllowed`` unless ``country`` is an SCO member or partner on ``on``."""
    on = on or timezone.localdate()
    reference = country_get(country)
    if reference is None:
        raise CountryNotAllowed(
            errors={
                "country": [_("%(country)s is not an SCO member or partner country.") % {"country": repr(country)}]
            },
            extra={"rule": "sco_member_or_partner"},
        )
    if reference.role_on(on) is None:
        raise CountryNotAllowed(
            errors={
                "country": [
                    _("%(country)s is not an SCO member or partner on %(date)s.")
                    % {"country": reference.name, "date": on.isoformat()}
                ]
            },
            extra={"rule": "sco_member_or_partner"},
        )


@transaction.atomic
def seller_create(
    *,
    user: Any,
    display_name: str,
    legal_name: str,
    country: str,
    currency: str,
    on: date | None = None,
) -> Seller:
    """Create a seller with ``user`` as its owner. Only SCO members and partners in force may sell."""
    country = country.upper()
    seller_country_check(country=country, on=on)
    if not currency_exists(currency):
        raise ValidationFailed(
            errors={"currency": [_("%(currency)s is not an ISO 4217 currency code.") % {"currency": repr(currency)}]}
        )
    if SellerMember.objects.filter(user=user).exists():
        raise AlreadySellerMember()
    seller = Seller.objects.create(display_name=display_name, legal_name=legal_name, country=country, currency=currency)
    try:
        with transaction.atomic():
            SellerMember.objects.create(seller=seller, user=user, role=MemberRole.OWNER)
    except IntegrityError:  # the same user creating two sellers at once
        raise AlreadySellerMember() from None
    return seller


@transaction.atomic
def seller_update(*, seller: Seller, display_name: str | None = None, legal_name: str | None = None) -> Seller:
    """Owners may rename; country and currency are fixed once prices exist in that currency."""
    fields = []
    if display_name is not None:
        seller.display_name = display_name
        fields.append("display_name")
    if legal_name is not None:
        seller.legal_name = legal_name
        fields.append("legal_name")
    if fields:
        seller.save(update_fields=fields)
    return seller


def seller_commission_set(*, seller: Seller, commission_percent: Decimal) -> Seller:
    """Platform admins only (the admin site calls this; no seller endpoint does)."""
    if not Decimal(0) <= commission_percent <= Decimal(100):
        raise ValidationFailed(errors={"commission_percent": [_("Must be between 0 and 100.")]})
    Seller.objects.filter(pk=seller.pk).update(commission_percent=commission_percent)
    seller.commission_percent = commission_percent
    return seller


# --- members and invitations


def _normalize_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def seller_invitation_create(
    *, seller: Seller, invited_by: Any, email: str, role: str = MemberRole.STAFF
) -> SellerInvitation:
    """Invite a person by email. Inviting the same address again resends the pending invitation."""
    email = _normalize_email(email)
    if SellerMember.objects.filter(seller=seller, user__email__iexact=email).exists():
        raise AlreadySellerMember(_("This person is already a member of your seller."))
    invitation = SellerInvitation.objects.filter(
        seller=seller, email__iexact=email, status=InvitationStatus.PENDING
    ).first()
    if invitation is None:
        invitation = SellerInvitation.objects.create(
            seller=seller, email=email, role=role, token=secrets.token_urlsafe(32), invited_by=invited_by
        )
    transaction.on_commit(lambda: _invitation_email_send(invitation))
    return invitation


def _invitation_email_send(invitation: SellerInvitation) -> None:
    send_mail(
        subject=f"You are invited to sell with {invitation.seller.display_name} on Karavan",
        message=(
            f"{invitation.seller.display_name} invited you to manage their catalog on Karavan.\n\n"
            "Sign in (or register) with this email address, then accept the invitation with:\n"
            f'POST /api/v1/sellers/invitations/accept/ {{"token": "{invitation.token}"}}\n'
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
        fail_silently=True,
    )


@transaction.atomic
def seller_invitation_accept(*, token: str, user: Any) -> SellerMember:
    invitation = (
        SellerInvitation.objects.select_for_update()
        .select_related("seller")
        .filter(token=token, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise InvitationNotFound()
    if _normalize_email(user.email) != invitation.email:
        raise InvitationEmailMismatch()
    if SellerMember.objects.filter(user=user).exists():
        raise AlreadySellerMember()
    try:
        with transaction.atomic():
            member = SellerMember.objects.create(seller=invitation.seller, user=user, role=invitation.role)
    except IntegrityError:
        raise AlreadySellerMember() from None
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_at"])
    return member


def seller_invitation_revoke(*, invitation: SellerInvitation) -> None:
    SellerInvitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.REVOKED
    )


@transaction.atomic
def seller_member_remove(*, member: SellerMember) -> None:
    if member.role == MemberRole.OWNER:
        owners = SellerMember.objects.select_for_update().filter(seller_id=member.seller_id, role=MemberRole.OWNER)
        if len(owners) <= 1:
            raise LastOwner()
    member.delete()


# --- payouts


def seller_payout_status_set(*, seller: Seller, status: str, stripe_account_id: str | None = None) -> bool:
    """Move the seller's payout status (the Stripe webhook calls this); True when it changed.

    A conditional update, so concurrent webhooks for the same account never interleave badly and
    a redelivered event changes nothing.
    """
    if status not in PayoutStatus.values:
        raise ValidationFailed(
            errors={"payout_status": [_("Unknown payout status %(status)s.") % {"status": repr(status)}]}
        )
    queryset = Seller.objects.filter(pk=seller.pk).exclude(payout_status=status)
    if stripe_account_id is not None:
        queryset = queryset.filter(stripe_account_id=stripe_account_id)
    changed = queryset.update(payout_status=status) == 1
    if changed:
        seller.payout_status = status
    return changed


def seller_payout_status_set_for_account(*, stripe_account_id: str, status: str) -> Seller | None:
    """The webhook's entry: find the seller by its Connect account, then set the status."""
    seller = Seller.objects.filter(stripe_account_id=stripe_account_id).first()
    if seller is not None and stripe_account_id:
        seller_payout_status_set(seller=seller, status=status, stripe_account_id=stripe_account_id)
    return seller


def seller_payout_onboarding_start(*, seller: Seller, user: Any, refresh_url: str, return_url: str) -> str:
    """The URL where the owner finishes payout onboarding.

    With Stripe: the Express account is created once (idempotency key ``acct:<id>``, stored with a
    conditional update, no lock held during the network call), then a fresh account link is
    returned. With the offline provider: in the demo (``OFFLINE_PAYMENTS_SELF_SERVICE``) payouts
    are enabled at once; in production they stay pending until platform staff enable them, since
    nothing was verified.
    """
    if settings.PAYMENT_PROVIDER == "offline":
        if settings.OFFLINE_PAYMENTS_SELF_SERVICE:
            seller_payout_status_set(seller=seller, status=PayoutStatus.ENABLED)
        return payouts.account_link_create(account_id="", refresh_url=refresh_url, return_url=return_url)
    if not seller.stripe_account_id:
        account_id = payouts.connect_account_create(seller=seller, email=user.email)
        Seller.objects.filter(pk=seller.pk, stripe_account_id="").update(stripe_account_id=account_id)
        seller.refresh_from_db(fields=["stripe_account_id"])
    return payouts.account_link_create(
        account_id=seller.stripe_account_id, refresh_url=refresh_url, return_url=return_url
    )


def seller_payout_status_sync(*, stripe_account_id: str) -> Seller | None:
    """``account.updated``: re-read the account from the provider and set the status it shows now.

    Re-reading (instead of trusting the event body) makes account events safe in any arrival
    order: an old "pending" event that arrives last cannot undo "enabled". No lock is held during
    the provider call; the status write is one conditional update.
    """
    seller = Seller.objects.filter(stripe_account_id=stripe_account_id).first()
    if seller is None or not stripe_account_id:
        return None
    from core.payments import PaymentProviderError, payment_provider_get

    try:
        account = payment_provider_get().account_retrieve(account=stripe_account_id)
    except PaymentProviderError as error:
        raise PayoutProviderError(extra={"provider_message": str(error)}) from error
    seller_payout_status_set(
        seller=seller, status=payouts.payout_status_from_account(account), stripe_account_id=stripe_account_id
    )
    return seller


def seller_follow(*, seller: Seller, user: Any) -> SellerFollower:
    """Follow a seller; following again is harmless (the unique constraint keeps one row)."""
    follower, _created = SellerFollower.objects.get_or_create(seller=seller, user=user)
    return follower


def seller_unfollow(*, seller: Seller, user: Any) -> None:
    SellerFollower.objects.filter(seller=seller, user=user).delete()


def _sale_status_changed(seller: Seller) -> None:
    seller_id = seller.pk
    transaction.on_commit(lambda: seller_sale_status_changed.send(sender=Seller, seller_id=seller_id))


@transaction.atomic
def seller_suspend(*, seller: Seller, reason: str, actor: Any = None) -> Seller:
    """Take a seller off sale without deleting anything: its goods leave the catalog and cannot be
    bought; its orders, payouts and ledger stay as they are. Suspending twice keeps the first date."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the seller is suspended."), errors={"reason": [_("A reason is required.")]})
    Seller.objects.filter(pk=seller.pk, suspended_at__isnull=True).update(
        suspended_at=timezone.now(), suspension_reason=reason[:300]
    )
    logger.info("Seller %s suspended by %s: %s", seller.pk, getattr(actor, "pk", None), reason)
    _sale_status_changed(seller)
    seller.refresh_from_db()
    return seller


@transaction.atomic
def seller_reinstate(*, seller: Seller, actor: Any = None) -> Seller:
    """Put a suspended seller's goods back on sale."""
    Seller.objects.filter(pk=seller.pk).update(suspended_at=None, suspension_reason="")
    logger.info("Seller %s reinstated by %s", seller.pk, getattr(actor, "pk", None))
    _sale_status_changed(seller)
    seller.refresh_from_db()
    return seller
