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
from collections.abc import Callable
from math import ceil
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import parse_etags
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import NotFound
from marketplace import i18n, selectors
from marketplace.api.public_serializers import (
    CategorySerializer,
    PublicProductDetailSerializer,
    PublicProductPageSerializer,
    delivery_option_rendering,
    facets_rendering,
    product_detail_rendering,
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
    product_get_public_detail,
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
        response.setdefault("Vary", "Accept-Language")
        return response


def _cache_control() -> str:
    max_age = int(getattr(settings, "CATALOG_HTTP_MAX_AGE", 0))
    # no-cache: clients and CDNs keep the body but ask each time, and the ETag makes that a 304.
    return f"public, max-age={max_age}" if max_age > 0 else "public, no-cache"


def _respond(request: Request, *, key_parts: tuple[Any, ...], build: Callable[[], dict[str, Any]]) -> HttpResponse:
    """The cached body for these request facts, or a freshly built one; 304 when the caller has it."""
    caching = catalog_cache_seconds() > 0
    entry: CachedResponse | None = None
    if caching:
        key = cache_key(key_parts)
        version, entry = cached_read(key)
    if entry is None:
        body = json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode()
        entry = CachedResponse(body=body, etag=etag_for(body))
        if caching:
            cached_store(key, version, entry)
    if _none_match(request.META.get("HTTP_IF_NONE_MATCH", ""), entry.etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(entry.body, content_type="application/json")
    response["ETag"] = entry.etag
    response["Cache-Control"] = _cache_control()
    return response


def _none_match(header: str, etag: str) -> bool:
    """``If-None-Match`` names this representation (weak comparison, as RFC 9110 asks for GET)."""
    tags = parse_etags(header) if header else []
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _language(request: Request, params: BrowseParams) -> str | None:
    return params.lang or i18n.language_from_header(request.META.get("HTTP_ACCEPT_LANGUAGE"))


def _page_size(request: Request) -> tuple[int, bool]:
    """``page_size`` as DRF's paginator reads it: a positive integer, at most 100, else the default."""
    raw = request.query_params.get("page_size")
    try:
        size = int(raw) if raw is not None else PAGE_SIZE
    except ValueError:
        return PAGE_SIZE, False
    return (min(size, MAX_PAGE_SIZE), True) if size > 0 else (PAGE_SIZE, False)


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise NotFound("Invalid page.")
    return int(raw)


def _link(base: str, params: BrowseParams, page: int, size: int | None) -> str:
    query = params.canonical()
    if size is not None:
        query.append(("page_size", str(size)))
    if page > 1:
        query.append(("page", str(page)))
    return f"{base}?{urlencode(query)}" if query else base


class ProductListView(PublicView):
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
        params = browse_params_parse(request.query_params)
        language = _language(request, params)
        size, size_given = _page_size(request)
        page = _page_number(request)
        base = request.build_absolute_uri(request.path)
        context = self.get_serializer_context()

        def build() -> dict[str, Any]:
            converter = Converter(params.currency) if params.currency else None
            browse = browse_build(params=params, stock=CatalogStock(), converter=converter)
            facets = browse_facets(browse)
            if page > max(1, ceil(facets.count / size)):
                raise NotFound("Invalid page.")
            products = browse_page(browse, offset=(page - 1) * size, limit=size)
            results = []
            for product in products:
                delivery = delivery_of(product, browse.routes)
                results.append(
                    product_row(
                        product,
                        language=language,
                        price=price_in(converter, product.price_from, browse.unconvertible),
                        delivery=delivery.as_json() if delivery else None,
                        context=context,
                    )
                )
            link_size = size if size_given else None
            return {
                "count": facets.count,
                "next": _link(base, params, page + 1, link_size) if page * size < facets.count else None,
                "previous": _link(base, params, page - 1, link_size) if page > 1 else None,
                "results": results,
                "facets": facets_rendering(facets, language=language),
                "currency": params.currency,
                "exchange_rates": converter.rates_json() if converter else {},
            }

        key = ("list", base, tuple(params.canonical()), language, page, size, timezone.localdate().isoformat())
        return _respond(request, key_parts=key, build=build)


class ProductDetailView(PublicView):
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
        params = browse_params_parse(request.query_params, detail=True)
        language = _language(request, params)
        base = request.build_absolute_uri(request.path)
        context = self.get_serializer_context()

        def build() -> dict[str, Any]:
            stock = CatalogStock()
            routes = stock.delivery_routes(country=params.ship_to) if params.ship_to else None
            product = product_get_public_detail(product_id=product_id, stock=stock, routes=routes)
            converter = Converter(params.currency or product.seller.currency)
            variants = list(product.variants.all())
            delivery = delivery_of(product, routes)
            row = product_row(
                product,
                language=language,
                price=price_in(converter, product.price_from),
                delivery=delivery.as_json() if delivery else None,
                context=context,
            )
            options = (
                stock.delivery_options(product=product, variants=variants, country=params.ship_to, converter=converter)
                if params.ship_to
                else []
            )
            return {
                **product_detail_rendering(product, row=row, language=language, context=context),
                "variants": [variant_rendering(v, price=price_in(converter, v.price)) for v in variants],
                "delivery_options": [delivery_option_rendering(option) for option in options],
                "currency": converter.currency,
                "exchange_rates": converter.rates_json(),
            }

        key = ("detail", base, product_id, tuple(params.canonical()), language, timezone.localdate().isoformat())
        return _respond(request, key_parts=key, build=build)


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
