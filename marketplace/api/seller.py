"""The seller's catalog: products with nested variants, images, CSV imports.

Every query is scoped by the caller's seller (``IsSellerMember`` + ``seller_for_user``):
another seller's product is a 404, a buyer gets 403, an anonymous caller 401.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.throttling import UserWriteThrottle
from core.exceptions import NotFound, ValidationFailed
from core.storage import private_file_response
from marketplace import selectors
from marketplace.exceptions import ImportFileTooLarge
from marketplace.models import CatalogImport, Product, ProductImage
from marketplace.serializers import (
    ImageSerializer,
    ImageUploadSerializer,
    ImportSerializer,
    ImportUploadSerializer,
    ProductSerializer,
    ProductWriteSerializer,
)
from marketplace.services import images as image_services
from marketplace.services import imports as import_services
from marketplace.services import products as product_services
from sellers.permissions import IsSellerMember
from sellers.selectors import seller_for_user

# Multipart framing around one file: boundaries, part headers, a file name.
MULTIPART_OVERHEAD_BYTES = 16 * 1024


class SellerScopedView(GenericAPIView):
    permission_classes = [IsSellerMember]

    @property
    def seller(self):  # type: ignore[no-untyped-def]
        membership = getattr(self.request, "_seller_membership", None)
        return membership.seller if membership else seller_for_user(user=self.request.user)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "seller": self.seller}


def _declared_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class SellerProductListView(SellerScopedView):
    queryset = Product.objects.none()  # for the schema; reads go through the selectors
    serializer_class = ProductSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="SKU (exact or prefix), product_ref or words of the title"),
            OpenApiParameter("status", str, enum=["draft", "active", "archived"]),
            OpenApiParameter("category", str, description="category slug"),
            OpenApiParameter("ordering", str, enum=list(selectors.SELLER_ORDERINGS)),
        ],
        responses=ProductSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        queryset = selectors.product_list_for_seller(
            seller=self.seller,
            q=params.get("q"),
            status=params.get("status"),
            category=params.get("category"),
            ordering=params.get("ordering"),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            ProductSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(request=ProductWriteSerializer, responses={201: ProductSerializer})
    def post(self, request: Request) -> Response:
        payload = ProductWriteSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        # The answer is rendered inside the write's transaction: a product that cannot be read
        # back is never left behind by a request that failed.
        with transaction.atomic():
            product = product_services.product_create(seller=self.seller, **payload.validated_data)
            product = selectors.product_get_for_seller(seller=self.seller, product_id=product.pk)
            body = ProductSerializer(product, context=self.get_serializer_context()).data
        return Response(body, status=201)


class SellerProductDetailView(SellerScopedView):
    queryset = Product.objects.none()  # for the schema; reads go through the selectors
    serializer_class = ProductSerializer

    def _product(self, product_id: int):  # type: ignore[no-untyped-def]
        return selectors.product_get_for_seller(seller=self.seller, product_id=product_id)

    @extend_schema(responses=ProductSerializer)
    def get(self, request: Request, product_id: int) -> Response:
        return Response(ProductSerializer(self._product(product_id), context=self.get_serializer_context()).data)

    @extend_schema(request=ProductWriteSerializer, responses=ProductSerializer)
    def patch(self, request: Request, product_id: int) -> Response:
        product = self._product(product_id)
        payload = ProductWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with transaction.atomic():  # as in post(): the write and its read-back stand or fall together
            product_services.product_update(product=product, **payload.validated_data)
            body = ProductSerializer(self._product(product_id), context=self.get_serializer_context()).data
        return Response(body)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, product_id: int) -> Response:
        product_services.product_delete(product=self._product(product_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerProductImageListView(SellerScopedView):
    queryset = ProductImage.objects.none()  # for the schema; reads go through the selectors
    serializer_class = ImageSerializer
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [UserWriteThrottle]  # uploads per user: THROTTLE_UPLOADS_RATE
    throttle_scope = "uploads"

    @extend_schema(request={"multipart/form-data": ImageUploadSerializer}, responses={201: ImageSerializer})
    def post(self, request: Request, product_id: int) -> Response:
        product = selectors.product_get_for_seller(seller=self.seller, product_id=product_id)
        # Refuse an oversize body before Django reads it into memory or a temporary file.
        if _declared_length(request) > settings.IMAGE_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES:
            image_services.image_check_size(size=_declared_length(request))
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationFailed(errors={"image": [_("Attach the image as a multipart field named 'image'.")]})
        image = image_services.product_image_add(product=product, upload=upload)
        image.refresh_from_db()
        return Response(ImageSerializer(image, context=self.get_serializer_context()).data, status=201)


class SellerProductImageDetailView(SellerScopedView):
    queryset = ProductImage.objects.none()  # for the schema; reads go through the selectors
    serializer_class = ImageSerializer

    def _image(self, product_id: int, image_id: int) -> ProductImage:
        product = selectors.product_get_for_seller(seller=self.seller, product_id=product_id)
        image = product.images.filter(pk=image_id).first()
        if image is None:
            raise NotFound(_("No such image."))
        return image

    @extend_schema(responses=ImageSerializer)
    def get(self, request: Request, product_id: int, image_id: int) -> Response:
        return Response(ImageSerializer(self._image(product_id, image_id), context=self.get_serializer_context()).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, product_id: int, image_id: int) -> Response:
        image_services.product_image_delete(image=self._image(product_id, image_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerImportListView(SellerScopedView):
    queryset = CatalogImport.objects.none()  # for the schema; reads go through the selectors
    serializer_class = ImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [UserWriteThrottle]  # imports per user: THROTTLE_IMPORTS_RATE
    throttle_scope = "imports"

    @extend_schema(responses=ImportSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.catalog_import_list_for_seller(seller=self.seller))
        return self.get_paginated_response(ImportSerializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={202: ImportSerializer})
    def post(self, request: Request) -> Response:
        if _declared_length(request) > settings.IMPORT_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise ImportFileTooLarge(
                errors={"file": [_("At most %(limit)s bytes.") % {"limit": f"{settings.IMPORT_MAX_UPLOAD_BYTES:,}"}]}
            )
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(errors={"file": [_("Attach the CSV as a multipart field named 'file'.")]})
        catalog_import = import_services.catalog_import_create(seller=self.seller, user=request.user, upload=upload)
        catalog_import.refresh_from_db()
        body = ImportSerializer(catalog_import).data
        # The contract's answer is "queued"; in eager mode (no broker) the job may already be done,
        # and the full state is one GET away.
        body["status"] = "queued"
        return Response(body, status=status.HTTP_202_ACCEPTED)


class SellerImportDetailView(SellerScopedView):
    queryset = CatalogImport.objects.none()  # for the schema; reads go through the selectors
    serializer_class = ImportSerializer

    @extend_schema(responses=ImportSerializer)
    def get(self, request: Request, import_id: int) -> Response:
        catalog_import = selectors.catalog_import_get_for_seller(seller=self.seller, import_id=import_id)
        return Response(ImportSerializer(catalog_import).data)


class SellerImportFileView(SellerScopedView):
    """The uploaded CSV, to the seller's own members only (another seller's import is a 404)."""

    queryset = CatalogImport.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses={(200, "text/csv"): str, 302: None, 404: None})
    def get(self, request: Request, import_id: int) -> HttpResponseBase:
        catalog_import = selectors.catalog_import_get_for_seller(seller=self.seller, import_id=import_id)
        if not catalog_import.file:
            days = settings.IMPORT_FILE_RETENTION_DAYS
            raise NotFound(
                _("The file was deleted %(days)s days after the import finished.") % {"days": days}, code="file_deleted"
            )
        name = catalog_import.original_filename or f"import-{catalog_import.pk}.csv"
        return private_file_response(file=catalog_import.file, filename=name, content_type="text/csv; charset=utf-8")


class SellerImportTemplateView(SellerScopedView):
    queryset = CatalogImport.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(import_services.import_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="karavan-catalog-template.csv"'
        return response
