"""API routes of marketplace (mounted under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from marketplace.api import livestreams, public, seller

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
    path("seller/imports/<int:import_id>/file/", seller.SellerImportFileView.as_view(), name="seller-import-file"),
    path("products/", public.ProductListView.as_view(), name="products"),
    path("products/<int:product_id>/", public.ProductDetailView.as_view(), name="product"),
    path("categories/", public.CategoryTreeView.as_view(), name="categories"),
    # Livestreams (issue 13): the seller's streams and offers, the public list, detail and events.
    path("seller/livestreams/", livestreams.SellerLiveStreamListView.as_view(), name="seller-livestreams"),
    path(
        "seller/livestreams/<int:stream_id>/",
        livestreams.SellerLiveStreamDetailView.as_view(),
        name="seller-livestream",
    ),
    path(
        "seller/livestreams/<int:stream_id>/start/",
        livestreams.SellerLiveStreamStartView.as_view(),
        name="seller-livestream-start",
    ),
    path(
        "seller/livestreams/<int:stream_id>/end/",
        livestreams.SellerLiveStreamEndView.as_view(),
        name="seller-livestream-end",
    ),
    path(
        "seller/livestreams/<int:stream_id>/pin/",
        livestreams.SellerLiveStreamPinView.as_view(),
        name="seller-livestream-pin",
    ),
    path(
        "seller/livestreams/<int:stream_id>/offers/",
        livestreams.SellerLiveOfferListView.as_view(),
        name="seller-livestream-offers",
    ),
    path(
        "seller/livestreams/<int:stream_id>/offers/<int:offer_id>/",
        livestreams.SellerLiveOfferDetailView.as_view(),
        name="seller-livestream-offer",
    ),
    path("livestreams/", livestreams.PublicLiveStreamListView.as_view(), name="livestreams"),
    path("livestreams/<int:stream_id>/", livestreams.PublicLiveStreamDetailView.as_view(), name="livestream"),
    path(
        "livestreams/<int:stream_id>/events/", livestreams.LiveStreamEventsPollView.as_view(), name="livestream-events"
    ),
]
