"""API routes of marketplace (mounted under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from marketplace.api import public, seller

urlpatterns: list[URLPattern | URLResolver] = [
    path("seller/products/", seller.SellerProductListView.as_view(), name="seller-products"),
    path("seller/products/<int:product_id>/", seller.SellerProductDetailView.as_view(), name="seller-product"),
    path(
        "seller/products/<int:product_id>/images/",
        seller.SellerProductImageListView.as_view(),
        name="seller-product-images",
    ),
    path(
        "seller/products/<int:product_id>/images/<int:image_id>/",
        seller.SellerProductImageDetailView.as_view(),
        name="seller-product-image",
    ),
    path("seller/imports/", seller.SellerImportListView.as_view(), name="seller-imports"),
    path("seller/imports/template/", seller.SellerImportTemplateView.as_view(), name="seller-import-template"),
    path("seller/imports/<int:import_id>/", seller.SellerImportDetailView.as_view(), name="seller-import"),
    path("products/", public.ProductListView.as_view(), name="products"),
    path("products/<int:product_id>/", public.ProductDetailView.as_view(), name="product"),
    path("categories/", public.CategoryTreeView.as_view(), name="categories"),
]
