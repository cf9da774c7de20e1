"""The public catalog (no auth): active products, one product with its variants and delivery options, categories.

Titles and descriptions come in the language the caller asks for (``Accept-Language`` or
``?lang=``) with a fallback to English, then to the seller's own wording. Prices are converted into
``?currency=`` with the checkout's converter (``orders.services.pricing.Converter``), so a price
shown is the price charged; stock and delivery come from ``warehouses.catalog.CatalogStock``.

Responses are JSON built once and served again from the catalog cache until a buyer-visible write
(``marketplace.browse.cache``); each carries an ``ETag`` and a matching ``If-None-Match`` gets a
304 with no body.
"""

import json
from dataclasses import dataclass
from math import ceil
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import parse_etags, patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import DomainError, NotFound
from marketplace import i18n, selectors
from marketplace.api.public_serializers import (
    CategorySerializer,
    PublicProductDetailSerializer,
    PublicProductPageSerializer,
    delivery_option_rendering,
    facets_rendering,
    product_detail_rendering,
    product_page_read,
    product_row,
    variant_rendering,
)
from marketplace.browse.cache import (
    CachedResponse,
    cache_key,
    cached_read,
    cached_store,
    catalog_cache_seconds,
    etag_for,
)
from marketplace.browse.params import BrowseParams, browse_params_parse
from marketplace.browse.query import (
    browse_build,
    browse_facets,
    browse_page,
    delivery_of,
    price_in,
)
from marketplace.models import Category, Product
from orders.services.pricing import Converter
from warehouses.catalog import CatalogStock

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PublicView(GenericAPIView):
    permission_classes = [AllowAny]
    pagination_class = None

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "language": i18n.language_for_request(self.request)}

    def finalize_response(self, request, response, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().finalize_response(request, response, *args, **kwargs)
        language = i18n.language_for_request(request)
        if language:
            response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response


def _cache_control() -> str:
    max_age = int(getattr(settings, "CATALOG_HTTP_MAX_AGE", 0))
    # no-cache: clients and CDNs keep the body but ask each time, and the ETag makes that a 304.
    return f"public, max-age={max_age}" if max_age > 0 else "public, no-cache"


def _none_match(header: str, etag: str) -> bool:
    """``If-None-Match`` names this representation (weak comparison, as RFC 9110 asks for GET)."""
    tags = parse_etags(header) if header else []
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _http_response(request: HttpRequest, entry: CachedResponse) -> HttpResponse:
    if _none_match(request.META.get("HTTP_IF_NONE_MATCH", ""), entry.etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(entry.body, content_type="application/json")
    response["ETag"] = entry.etag
    response["Cache-Control"] = _cache_control()
    return response


@dataclass(frozen=True)
class Read:
    """What a catalog read depends on: its cache key is made of nothing else."""

    kind: str
    base: str  # scheme, host and path: links and image URLs in the body are absolute
    params: BrowseParams
    language: str | None
    page: int = 1
    size: int = PAGE_SIZE
    size_given: bool = False
    product_id: int | None = None

    def key(self) -> str:
        # The day is part of it: delivery options are planned for goods shipped today.
        parts = (self.kind, self.base, self.product_id, tuple(self.params.canonical()), self.language)
        return cache_key((*parts, self.page, self.size, timezone.localdate().isoformat()))


def _read_list(request: HttpRequest) -> Read:
    """Check a list request (400 for a bad filter value, 404 for a bad page) and say what it reads."""
    query = request.GET
    params = browse_params_parse(query)
    raw_size = query.get("page_size")
    try:
        size = int(raw_size) if raw_size is not None else PAGE_SIZE
    except ValueError:
        size = 0
    size_given = size > 0  # as DRF's paginator: a bad page_size means the default, and 100 at most
    raw_page = query.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit()) or int(raw_page) < 1 or len(raw_page) > 9:
        raise NotFound(_("Invalid page."))
    return Read(
        kind="list",
        base=request.build_absolute_uri(request.path),
        params=params,
        language=params.lang or i18n.language_from_header(request.META.get("HTTP_ACCEPT_LANGUAGE")),
        page=int(raw_page),
        size=min(size, MAX_PAGE_SIZE) if size_given else PAGE_SIZE,
        size_given=size_given,
    )


def _read_detail(request: HttpRequest, product_id: int) -> Read:
    if product_id >= 2**63:  # beyond a bigint: no such product (and no database error)
        raise NotFound(_("No such product."))
    params = browse_params_parse(request.GET, detail=True)
    return Read(
        kind="detail",
        base=request.build_absolute_uri(request.path),
        params=params,
        language=params.lang or i18n.language_from_header(request.META.get("HTTP_ACCEPT_LANGUAGE")),
        product_id=product_id,
    )


class CachedPublicView(PublicView):
    """A public read answered from the catalog cache when possible, else built and stored.

    An anonymous GET whose answer is cached is served before DRF handles the request (no
    authentication, content negotiation or serializer runs): that is most of the catalog's traffic
    and the whole point of the cache. Anything else, a bad parameter included, goes the DRF way.
    """

    def read(self, request: HttpRequest, **kwargs: Any) -> Read:
        raise NotImplementedError

    def build(self, read: Read) -> dict[str, Any]:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        anonymous = "HTTP_AUTHORIZATION" not in request.META and settings.SESSION_COOKIE_NAME not in request.COOKIES
        if request.method == "GET" and anonymous and catalog_cache_seconds() > 0:
            try:
                read = self.read(request, **kwargs)
            except DomainError:
                read = None  # the DRF way answers it with the contract's error
            if read is not None:
                _version, entry = cached_read(read.key())
                if entry is not None:
                    response = _http_response(request, entry)
                    if read.language:
                        response["Content-Language"] = read.language
                    patch_vary_headers(response, ["Accept", "Accept-Language"])
                    return response
        return super().dispatch(request, *args, **kwargs)

    def respond(self, request: Request, **kwargs: Any) -> HttpResponse:
        read = self.read(request._request, **kwargs)
        caching = catalog_cache_seconds() > 0
        entry = None
        if caching:
            key = read.key()
            version, entry = cached_read(key)
        if entry is None:
            body = json.dumps(self.build(read), ensure_ascii=False, separators=(",", ":")).encode()
            entry = CachedResponse(body=body, etag=etag_for(body))
            if caching:
                cached_store(key, version, entry)
        return _http_response(request, entry)


def _link(read: Read, page: int) -> str:
    query = read.params.canonical()
    if read.size_given:
        query.append(("page_size", str(read.size)))
    if page > 1:
        query.append(("page", str(page)))
    return f"{read.base}?{urlencode(query)}" if query else read.base


class ProductListView(CachedPublicView):
    serializer_class = PublicProductPageSerializer
    queryset = Product.objects.none()  # for the schema; reads go through marketplace.browse

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="full text in any stored language, typos forgiven, or an exact SKU"),
            OpenApiParameter("category", str, description="category slug (includes its sub-categories)"),
            OpenApiParameter("seller", int),
            OpenApiParameter("origin_country", str),
            OpenApiParameter("min_price", str, description="in `currency` (required with it)"),
            OpenApiParameter("max_price", str, description="in `currency` (required with it)"),
            OpenApiParameter("currency", str, description="ISO 4217; prices are converted as the checkout does"),
            OpenApiParameter("in_stock", bool),
            OpenApiParameter("ship_to", str, description="country: adds `delivery`, drops products that cannot reach"),
            OpenApiParameter("ordering", str, enum=["price", "-price", "newest", "fastest"]),
            OpenApiParameter("lang", str, description="overrides Accept-Language: en, ru, zh, kk, uz"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="at most 100"),
        ],
        responses=PublicProductPageSerializer,
    )
    def get(self, request: Request) -> HttpResponse:
        return self.respond(request)

    def read(self, request: HttpRequest, **kwargs: Any) -> Read:
        return _read_list(request)

    def build(self, read: Read) -> dict[str, Any]:
        params, size, page = read.params, read.size, read.page
        converter = Converter(params.currency) if params.currency else None
        browse = browse_build(params=params, stock=CatalogStock(), converter=converter)
        facets = browse_facets(browse)
        if page > max(1, ceil(facets.count / size)):
            raise NotFound(_("Invalid page."))
        context = self.get_serializer_context()
        results = []
        for product in browse_page(browse, offset=(page - 1) * size, limit=size):
            delivery = delivery_of(product, browse.routes)
            results.append(
                product_row(
                    product,
                    language=read.language,
                    price=price_in(converter, product.price_from, browse.unconvertible),
                    delivery=delivery.as_json() if delivery else None,
                    context=context,
                )
            )
        return {
            "count": facets.count,
            "next": _link(read, page + 1) if page * size < facets.count else None,
            "previous": _link(read, page - 1) if page > 1 else None,
            "results": results,
            "facets": facets_rendering(facets, language=read.language),
            "currency": params.currency,
            "exchange_rates": converter.rates_json() if converter else {},
        }


class ProductDetailView(CachedPublicView):
    serializer_class = PublicProductDetailSerializer
    queryset = Product.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("currency", str, description="ISO 4217; default the seller's"),
            OpenApiParameter("ship_to", str, description="country: adds `delivery` and `delivery_options`"),
            OpenApiParameter("lang", str, description="overrides Accept-Language: en, ru, zh, kk, uz"),
        ],
        responses=PublicProductDetailSerializer,
    )
    def get(self, request: Request, product_id: int) -> HttpResponse:
        return self.respond(request, product_id=product_id)

    def read(self, request: HttpRequest, **kwargs: Any) -> Read:
        return _read_detail(request, kwargs["product_id"])

    def build(self, read: Read) -> dict[str, Any]:
        params, language = read.params, read.language
        context = self.get_serializer_context()
        page = product_page_read(
            product_id=read.product_id or 0,
            ship_to=params.ship_to,
            currency=params.currency,
            language=language,
            context=context,
        )
        product, row, variants, options, converter = page.product, page.row, page.variants, page.options, page.converter
        return {
            **product_detail_rendering(product, row=row, language=language, context=context),
            "variants": [variant_rendering(v, price=price_in(converter, v.price)) for v in variants],
            "delivery_options": [delivery_option_rendering(option) for option in options],
            "currency": converter.currency,
            "exchange_rates": converter.rates_json(),
        }


class CategoryTreeView(PublicView):
    serializer_class = CategorySerializer
    queryset = Category.objects.none()

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request: Request) -> Response:
        language = i18n.language_for_request(request)
        categories = selectors.category_list()
        nodes = {
            category.pk: {
                "slug": category.slug,
                "name": i18n.translated_name(category.name_translations, category.name, language),
                "parent": None,
                "children": [],
            }
            for category in categories
        }
        roots = []
        for category in categories:
            node = nodes[category.pk]
            parent = nodes.get(category.parent_id) if category.parent_id else None
            if parent is None:
                roots.append(node)
            else:
                node["parent"] = parent["slug"]
                parent["children"].append(node)
        return Response(roots)
