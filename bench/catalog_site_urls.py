"""URLs of the catalog benchmark's server: Karavan's, plus the trivial Django JSON view it is compared with."""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as karavan_urlpatterns


def trivial(request: HttpRequest) -> JsonResponse:
    """The ceiling: a Django view that returns a constant JSON object, through the same middleware."""
    return JsonResponse({"status": "ok"})


urlpatterns: list[URLPattern | URLResolver] = [path("bench/trivial/", trivial), *karavan_urlpatterns]
