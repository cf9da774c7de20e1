"""Seller errors with stable codes (rendered by the API error handler)."""

from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError, NotFound, ValidationFailed


class CountryNotAllowed(ValidationFailed):
    code = "country_not_allowed"
    default_detail = _("Only sellers from SCO member or partner countries (in force today) may sell on Karavan.")


class AlreadySellerMember(Conflict):
    code = "already_seller_member"
    default_detail = _("This user already belongs to a seller; a user may belong to one seller only.")


class InvitationNotFound(NotFound):
    code = "invitation_not_found"
    default_detail = _("No pending invitation with this token.")


class InvitationEmailMismatch(DomainError):
    status_code = 403
    code = "invitation_email_mismatch"
    default_detail = _("This invitation was sent to another email address.")


class LastOwner(Conflict):
    code = "last_owner"
    default_detail = _("A seller must keep at least one owner.")


class PayoutProviderError(DomainError):
    status_code = 502
    code = "payout_provider_error"
    default_detail = _("The payout provider could not be reached or refused the request; try again later.")
