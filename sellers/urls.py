"""API routes of sellers (mounted under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from sellers import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("sellers/", api.SellerCreateView.as_view(), name="seller-create"),
    path("sellers/me/", api.SellerMeView.as_view(), name="seller-me"),
    path("sellers/me/payouts/onboarding/", api.PayoutOnboardingView.as_view(), name="seller-payout-onboarding"),
    path("sellers/me/members/", api.MemberListView.as_view(), name="seller-members"),
    path("sellers/me/members/<int:member_id>/", api.MemberDetailView.as_view(), name="seller-member"),
    path("sellers/me/invitations/", api.InvitationListView.as_view(), name="seller-invitations"),
    path("sellers/me/invitations/<int:invitation_id>/", api.InvitationDetailView.as_view(), name="seller-invitation"),
    path("sellers/invitations/accept/", api.InvitationAcceptView.as_view(), name="seller-invitation-accept"),
    path("sellers/<int:seller_id>/follow/", api.SellerFollowView.as_view(), name="seller-follow"),
    path("me/following/", api.FollowingListView.as_view(), name="me-following"),
]
