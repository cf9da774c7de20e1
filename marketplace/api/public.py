"""The public catalog (no auth): active products, one product with its variants, the category tree.

Titles and descriptions come in the language the caller asks for (``Accept-Language`` or
``?lang=``) with a fallback to English, then to the seller's own wording.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.params import query_id
from marketplace import i18n, selectors
from marketplace.api.stock import products_annotate_in_stock, variants_annotate_in_stock
from marketplace.models import Category, Product
from marketplace.serializers import CategorySerializer, PublicProductDetailSerializer, PublicProductListSerializer


class PublicView(GenericAPIView):
    permission_classes = [AllowAny]

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "language": i18n.language_for_request(self.request)}

    def finalize_response(self, request, response, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().finalize_response(request, response, *args, **kwargs)
        language = i18n.language_for_request(request)
        if language:
            response["Content-Language"] = language
        response.setdefault("Vary", "Accept-Language")
        return response


class ProductListView(PublicView):
    serializer_class = PublicProductListSerializer
    queryset = Product.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="words of the title (any language) or an exact SKU"),
            OpenApiParameter("category", str, description="category slug (includes its sub-categories)"),
            OpenApiParameter("seller", int),
            OpenApiParameter("origin_country", str),
            OpenApiParameter("lang", str, description="overrides Accept-Language: en, ru, zh, kk, uz"),
        ],
        responses=PublicProductListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        queryset = selectors.product_list_public(
            q=params.get("q"),
            category=params.get("category"),
            seller_id=query_id(params, "seller"),
            origin_country=params.get("origin_country"),
        )
        page = self.paginate_queryset(products_annotate_in_stock(queryset))
        data = PublicProductListSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


class ProductDetailView(PublicView):
    serializer_class = PublicProductDetailSerializer
    queryset = Product.objects.none()

    @extend_schema(responses=PublicProductDetailSerializer)
    def get(self, request: Request, product_id: int) -> Response:
        product = selectors.product_get_public(product_id=product_id)
        product = products_annotate_in_stock(selectors.product_list_public().filter(pk=product.pk)).get()
        variants = list(variants_annotate_in_stock(product.variants.filter(is_active=True).order_by("id")))
        context = {**self.get_serializer_context(), "variants": variants}
        return Response(PublicProductDetailSerializer(product, context=context).data)


class CategoryTreeView(PublicView):
    serializer_class = CategorySerializer
    queryset = Category.objects.none()
    pagination_class = None

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
