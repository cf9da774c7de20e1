"""API routes of warehouses (mounted under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from warehouses import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("warehouses/", api.WarehouseListView.as_view(), name="warehouse-list"),
    path("seller/stock/", api.SellerStockView.as_view(), name="seller-stock"),
    path("seller/inbound-shipments/", api.SellerInboundListView.as_view(), name="seller-inbound-list"),
    path(
        "seller/inbound-shipments/<int:shipment_id>/",
        api.SellerInboundDetailView.as_view(),
        name="seller-inbound-detail",
    ),
    path(
        "seller/inbound-shipments/<int:shipment_id>/in-transit/",
        api.SellerInboundInTransitView.as_view(),
        name="seller-inbound-in-transit",
    ),
    path("warehouse/stock/", api.StaffStockView.as_view(), name="staff-stock"),
    path("warehouse/inbound-shipments/", api.StaffInboundListView.as_view(), name="staff-inbound-list"),
    path(
        "warehouse/inbound-shipments/<int:shipment_id>/",
        api.StaffInboundDetailView.as_view(),
        name="staff-inbound-detail",
    ),
    path(
        "warehouse/inbound-shipments/<int:shipment_id>/receive/",
        api.StaffInboundReceiveView.as_view(),
        name="staff-inbound-receive",
    ),
    path("warehouse/shipments/", api.StaffShipmentListView.as_view(), name="staff-shipment-list"),
    path("warehouse/shipments/<int:shipment_id>/", api.StaffShipmentDetailView.as_view(), name="staff-shipment"),
    path("warehouse/shipments/<int:shipment_id>/pick/", api.StaffShipmentPickView.as_view(), name="staff-pick"),
    path("warehouse/shipments/<int:shipment_id>/pack/", api.StaffShipmentPackView.as_view(), name="staff-pack"),
    path(
        "warehouse/shipments/<int:shipment_id>/dispatch/",
        api.StaffShipmentDispatchView.as_view(),
        name="staff-dispatch",
    ),
    path("warehouse/shipments/<int:shipment_id>/events/", api.StaffShipmentEventView.as_view(), name="staff-events"),
]
