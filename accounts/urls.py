"""Account API routes."""

from django.urls import path

from accounts.api import (
    LogoutAllView,
    LogoutView,
    MeView,
    NotificationListView,
    NotificationReadView,
    RegisterView,
    TokenView,
)

urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="auth-logout-all"),
    path("me/", MeView.as_view(), name="me"),
    path("me/notifications/", NotificationListView.as_view(), name="me-notifications"),
    path("me/notifications/<int:notification_id>/read/", NotificationReadView.as_view(), name="me-notification-read"),
]
