"""URL map: the versioned API, schema and docs, health check, admin, the storefront, and media in development."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import language_set
from core.api.views import healthz

api_v1 = [
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("sellers.urls")),
    path("", include("marketplace.urls")),
    path("", include("warehouses.urls")),
    path("", include("warehouses.transport.urls")),
    path("", include("orders.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("admin/language/", language_set, name="admin-language"),
    path("admin/", admin.site.urls),
    path("seller/", include("seller_dashboard.urls")),
    # Django's set_language (the storefront's language switcher), then the buyers' pages at the root.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("storefront.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
