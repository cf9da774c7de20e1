"""The dashboard's pages. Each reads through a selector scoped by ``request.seller`` and writes through
a service; a refusal from a service is shown next to the field it names (``forms.errors_to_form``).

Nothing here decides a business rule: which fields an active product needs, whether a live price is
low enough, whether a shipment may move on, all come from the services, as for the API.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from moneyed import Money

from core.exceptions import DomainError
from core.money import from_minor_units
from marketplace import livestream_selectors, validation
from marketplace import selectors as catalog
from marketplace.models import CatalogImport, ImportStatus, Product, ProductImage, ProductStatus
from marketplace.services import images as image_services
from marketplace.services import imports as import_services
from marketplace.services import livestreams as live_services
from marketplace.services import products as product_services
from orders import selectors as order_selectors
from orders.models import OrderStatus
from seller_dashboard.access import SellerRequest, member_required
from seller_dashboard.forms import (
    EndStreamForm,
    ImageUploadForm,
    ImportUploadForm,
    InboundForm,
    LiveStreamForm,
    OfferForm,
    PinForm,
    ProductForm,
    VariantForm,
    VariantFormSet,
    errors_to_form,
)
from sellers import services as seller_services
from warehouses import selectors as warehouse_selectors
from warehouses import services as warehouse_services

PAGE_SIZE = 25


def _page(request: SellerRequest, items: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _query_without_page(request: SellerRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- signing in and out


class LoginView(auth_views.LoginView):
    template_name = "seller_dashboard/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("seller_dashboard:products")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    logout(request)
    return redirect("seller_dashboard:login")


@member_required
def home(request: SellerRequest) -> HttpResponse:
    return redirect("seller_dashboard:products")


# --- products


def image_thumbnail_url(image: ProductImage, size: str = "small") -> str | None:
    name = (image.thumbnails or {}).get(size, {}).get("webp")
    return default_storage.url(name) if name else None


def _missing(product: Product) -> list[str]:
    """What the activation rule would ask for now (from the prefetched variants: no query)."""
    return validation.activation_missing(
        hs_code=product.hs_code, origin_country=product.origin_country, variants=list(product.variants.all())
    )


def missing_labels(missing: list[str]) -> list[dict[str, str]]:
    """The activation rule's field names (``variants[SKU].weight_kg``) in the form's words, code kept."""
    labels = {name: str(field.label) for name, field in {**ProductForm.base_fields, **VariantForm.base_fields}.items()}
    rows = []
    for code in missing:
        if code == "variants":
            rows.append({"code": code, "label": _("a variant on sale")})
        elif code.startswith("variants[") and "]." in code:
            sku, _sep, field = code[len("variants[") :].partition("].")
            rows.append({"code": code, "label": f"{sku}: {labels.get(field, field)}"})
        else:
            rows.append({"code": code, "label": labels.get(code, code)})
    return rows


@member_required
@require_GET
def product_list(request: SellerRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    status = request.GET.get("status") or ""
    if status not in ProductStatus.values:
        status = ""
    page = _page(request, catalog.product_list_for_seller(seller=request.seller, q=q or None, status=status or None))
    rows = []
    for product in page.object_list:
        images = list(product.images.all())
        rows.append(
            {
                "product": product,
                "skus": [variant.sku for variant in product.variants.all()],
                "thumbnail": image_thumbnail_url(images[0]) if images else None,
                "missing": [item["label"] for item in missing_labels(_missing(product))]
                if product.status != ProductStatus.ACTIVE
                else [],
            }
        )
    return render(
        request,
        "seller_dashboard/products.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "status": status,
            "query": _query_without_page(request),
            "nav": "products",
        },
    )


def _product_forms(request: SellerRequest, product: Product | None) -> tuple[ProductForm, Any]:
    if request.method == "POST":
        return ProductForm(request.POST), VariantFormSet(request.POST, prefix="variants")
    if product is None:
        return ProductForm(
            initial={"status": ProductStatus.DRAFT, "origin_country": request.seller.country}
        ), VariantFormSet(prefix="variants")
    initial = {name: getattr(product, name) for name in ProductForm.base_fields if name != "category"}
    initial["category"] = product.category.slug if product.category else ""
    variants = [
        {
            "id": variant.pk,
            "sku": variant.sku,
            "name": variant.name,
            "price": variant.price.amount if variant.price is not None else None,
            "weight_kg": variant.weight_kg,
            "length_cm": variant.length_cm,
            "width_cm": variant.width_cm,
            "height_cm": variant.height_cm,
            "barcode": variant.barcode,
            "is_active": variant.is_active,
        }
        for variant in product.variants.all()
    ]
    return ProductForm(initial=initial), VariantFormSet(initial=variants, prefix="variants")


def _error_target(name: str, form: ProductForm, rows: list[Any]) -> tuple[Any, str | None]:
    """Where a service's error belongs: a product field, a variant row's field
    (``variants.0.sku`` by position, ``variants[SKU].weight_kg`` by SKU), else above the form."""
    if name in form.fields:
        return form, name
    index: int | None = None
    field = ""
    if name.startswith("variants.") and name.count(".") == 2:
        position, field = name.split(".")[1:]
        index = int(position) if position.isdigit() else None
    elif name.startswith("variants[") and "]." in name:
        sku, _sep, field = name[len("variants[") :].partition("].")
        index = next((i for i, row in enumerate(rows) if row.cleaned_data.get("sku") == sku), None)
    if index is not None and index < len(rows) and field in rows[index].fields:
        return rows[index], field
    return form, None


def _save_product(request: SellerRequest, product: Product | None, form: ProductForm, formset: Any) -> Product | None:
    """Hand the forms to the product services; on a refusal put its errors on the forms."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    fields = form.service_fields()
    variants = formset.variants_data(request.seller.currency)
    try:
        if product is None:
            return product_services.product_create(seller=request.seller, variants=variants, **fields)
        return product_services.product_update(product=product, variants=variants, **fields)
    except DomainError as error:
        rows = formset.filled_forms()  # the rows sent to the service, in its order
        for name, problems in (error.errors or {"": [error.detail]}).items():
            target, field = _error_target(name, form, rows)
            if name == "variants":
                problems = [_("Add at least one variant on sale.")]
            for problem in problems:
                target.add_error(field, problem if field or not name or name == "variants" else f"{name}: {problem}")
        return None


@member_required
def product_create(request: SellerRequest) -> HttpResponse:
    form, formset = _product_forms(request, None)
    if request.method == "POST":
        product = _save_product(request, None, form, formset)
        if product is not None:
            messages.success(request, _("The product was created."))
            return redirect("seller_dashboard:product", product_id=product.pk)
    return render(
        request,
        "seller_dashboard/product_form.html",
        {"form": form, "formset": formset, "product": None, "nav": "products"},
    )


@member_required
def product_edit(request: SellerRequest, product_id: int) -> HttpResponse:
    product = catalog.product_get_for_seller(seller=request.seller, product_id=product_id)
    form, formset = _product_forms(request, product)
    if request.method == "POST":
        saved = _save_product(request, product, form, formset)
        if saved is not None:
            messages.success(request, _("Your changes were saved."))
            return redirect("seller_dashboard:product", product_id=product.pk)
    images = [{"image": image, "thumbnail": image_thumbnail_url(image)} for image in product.images.all()]
    return render(
        request,
        "seller_dashboard/product_form.html",
        {
            "form": form,
            "formset": formset,
            "product": product,
            "missing": missing_labels(_missing(product)) if product.status != ProductStatus.ACTIVE else [],
            "images": images,
            "image_form": ImageUploadForm(),
            "nav": "products",
        },
    )


@member_required
@require_POST
def product_activate(request: SellerRequest, product_id: int) -> HttpResponse:
    product = catalog.product_get_for_seller(seller=request.seller, product_id=product_id)
    try:
        product_services.product_update(product=product, status=ProductStatus.ACTIVE)
    except DomainError as error:
        missing = error.extra.get("missing") or list(error.errors)
        labels = ", ".join(item["label"] for item in missing_labels(missing))
        messages.error(request, _("Not activated. Still missing: %(fields)s") % {"fields": labels})
    else:
        messages.success(request, _("The product is active: buyers can see it."))
    return redirect("seller_dashboard:product", product_id=product.pk)


@member_required
@require_POST
def product_image_upload(request: SellerRequest, product_id: int) -> HttpResponse:
    product = catalog.product_get_for_seller(seller=request.seller, product_id=product_id)
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            image_services.product_image_add(product=product, upload=form.cleaned_data["image"])
        except DomainError as error:
            for message in errors_to_form(form, error):
                form.add_error("image", message)
        else:
            messages.success(request, _("The image was uploaded; its thumbnails are being made."))
            return redirect(reverse("seller_dashboard:product", args=[product.pk]) + "#images")
    images = [{"image": image, "thumbnail": image_thumbnail_url(image)} for image in product.images.all()]
    form_product, formset = _product_forms_get(request, product)
    return render(
        request,
        "seller_dashboard/product_form.html",
        {
            "form": form_product,
            "formset": formset,
            "product": product,
            "missing": missing_labels(_missing(product)) if product.status != ProductStatus.ACTIVE else [],
            "images": images,
            "image_form": form,
            "nav": "products",
        },
        status=400,
    )


def _product_forms_get(request: SellerRequest, product: Product) -> tuple[ProductForm, Any]:
    method, request.method = request.method, "GET"
    try:
        return _product_forms(request, product)
    finally:
        request.method = method


@member_required
@require_GET
def product_images_status(request: SellerRequest, product_id: int) -> JsonResponse:
    """For the page's small script: each image's processing status and thumbnail."""
    product = catalog.product_get_for_seller(seller=request.seller, product_id=product_id)
    return JsonResponse(
        {
            "images": [
                {
                    "id": image.pk,
                    "status": image.status,
                    "status_label": _image_status(image.status),
                    "thumbnail": image_thumbnail_url(image),
                }
                for image in product.images.all()
            ]
        }
    )


def _image_status(status: str) -> str:
    return {"processing": _("Processing"), "ready": _("Ready"), "failed": _("Failed")}.get(status, status)


# --- CSV imports


@member_required
def import_list(request: SellerRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalog_import = import_services.catalog_import_create(
                seller=request.seller, user=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            for message in errors_to_form(form, error):
                form.add_error("file", message)
        else:
            return redirect("seller_dashboard:import", import_id=catalog_import.pk)
    page = _page(request, catalog.catalog_import_list_for_seller(seller=request.seller), size=10)
    return render(
        request,
        "seller_dashboard/imports.html",
        {"form": form, "page": page, "query": "", "nav": "imports"},
        status=400 if form.errors else 200,
    )


def _import_state(catalog_import: CatalogImport) -> dict[str, Any]:
    total = catalog_import.total_rows
    done = catalog_import.status in (ImportStatus.DONE, ImportStatus.FAILED)
    percent = (
        100
        if catalog_import.status == ImportStatus.DONE
        else (int(catalog_import.processed_rows * 100 / total) if total else 0)
    )
    return {
        "id": catalog_import.pk,
        "status": catalog_import.status,
        "status_label": _import_status(catalog_import.status),
        "finished": done,
        "total_rows": total,
        "processed_rows": catalog_import.processed_rows,
        "percent": percent,
        "created": catalog_import.created_count,
        "updated": catalog_import.updated_count,
        "unchanged": catalog_import.unchanged_count,
        "error_count": catalog_import.error_count,
        "failure_reason": catalog_import.failure_reason,
    }


def _import_status(status: str) -> str:
    return {
        "queued": _("Waiting to start"),
        "running": _("Importing"),
        "done": _("Finished"),
        "failed": _("Failed"),
    }.get(status, status)


@member_required
@require_GET
def import_detail(request: SellerRequest, import_id: int) -> HttpResponse:
    catalog_import = catalog.catalog_import_get_for_seller(seller=request.seller, import_id=import_id)
    return render(
        request,
        "seller_dashboard/import_detail.html",
        {"import": catalog_import, "state": _import_state(catalog_import), "nav": "imports"},
    )


@member_required
@require_GET
def import_status(request: SellerRequest, import_id: int) -> JsonResponse:
    """The progress bar's source: counters, and once finished the row errors (at most 1000 are kept)."""
    catalog_import = catalog.catalog_import_get_for_seller(seller=request.seller, import_id=import_id)
    state = _import_state(catalog_import)
    if state["finished"]:
        state["errors"] = catalog_import.errors[:1000]
    return JsonResponse(state)


@member_required
@require_GET
def import_template(request: SellerRequest) -> HttpResponse:
    response = HttpResponse(import_services.import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="karavan-catalog-template.csv"'
    return response


# --- stock and inbound shipments


@member_required
@require_GET
def stock(request: SellerRequest) -> HttpResponse:
    warehouse = (request.GET.get("warehouse") or "").strip().upper()[:16]
    sku = (request.GET.get("sku") or "").strip()[:64]
    rows = warehouse_selectors.stock_list_for_seller(
        seller=request.seller, warehouse_code=warehouse or None, sku=sku or None
    )
    return render(
        request,
        "seller_dashboard/stock.html",
        {
            "page": _page(request, rows, size=50),
            "warehouse": warehouse,
            "sku": sku,
            "warehouses": list(warehouse_selectors.warehouse_list_public()),
            "query": _query_without_page(request),
            "nav": "stock",
        },
    )


@member_required
def inbound_list(request: SellerRequest) -> HttpResponse:
    warehouses = list(warehouse_selectors.warehouse_list_public())
    form = InboundForm(request.POST or None, warehouses=warehouses)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warehouse_services.inbound_shipment_create(
                seller=request.seller,
                warehouse_code=data["warehouse"],
                lines=data["lines"],
                actor=request.user,
                seller_reference=data["seller_reference"],
                note=data["note"],
            )
        except DomainError as error:
            for message in errors_to_form(form, error):
                form.add_error("lines", message)
        else:
            messages.success(request, _("The shipment was announced to the warehouse."))
            return redirect("seller_dashboard:inbound")
    page = _page(request, warehouse_selectors.inbound_list_for_seller(seller=request.seller), size=20)
    return render(
        request,
        "seller_dashboard/inbound.html",
        {"form": form, "page": page, "query": "", "nav": "inbound"},
        status=400 if form.errors else 200,
    )


@member_required
@require_POST
def inbound_in_transit(request: SellerRequest, shipment_id: int) -> HttpResponse:
    shipment = warehouse_selectors.inbound_get_for_seller(seller=request.seller, shipment_id=shipment_id)
    try:
        warehouse_services.inbound_shipment_mark_in_transit(shipment=shipment, actor=request.user)
    except DomainError:
        messages.error(request, _("Only an announced shipment can be handed to the carrier."))
    else:
        messages.success(request, _("The shipment is on its way."))
    return redirect("seller_dashboard:inbound")


# --- livestreams


@member_required
def livestream_list(request: SellerRequest) -> HttpResponse:
    form = LiveStreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stream = live_services.livestream_create(seller=request.seller, user=request.user, **form.cleaned_data)
        except DomainError as error:
            for message in errors_to_form(form, error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The stream is scheduled; your followers will hear about it."))
            return redirect("seller_dashboard:livestream", stream_id=stream.pk)
    page = _page(request, livestream_selectors.livestream_list_for_seller(seller=request.seller), size=20)
    return render(
        request,
        "seller_dashboard/livestreams.html",
        {"form": form, "page": page, "query": "", "nav": "livestreams"},
        status=400 if form.errors else 200,
    )


def _pin_choices(request: SellerRequest, stream: Any) -> list[tuple[str, str]]:
    offers = [
        (offer.variant.sku, f"{offer.variant.sku} · {offer.variant.product.title}") for offer in stream.offers.all()
    ]
    if offers:
        return offers
    products = catalog.product_list_for_seller(seller=request.seller, status=ProductStatus.ACTIVE)[:50]
    return [(v.sku, f"{v.sku} · {p.title}") for p in products for v in p.variants.all() if v.is_active]


def _stream_page(request: SellerRequest, stream: Any, *, status: int = 200, **forms_given: Any) -> HttpResponse:
    context = {
        "stream": stream,
        "offers": list(stream.offers.all()),
        "pin_form": forms_given.get("pin_form") or PinForm(skus=_pin_choices(request, stream)),
        "offer_form": forms_given.get("offer_form") or OfferForm(),
        "end_form": forms_given.get("end_form") or EndStreamForm(),
        "currency": request.seller.currency,
        "nav": "livestreams",
    }
    return render(request, "seller_dashboard/livestream_detail.html", context, status=status)


@member_required
@require_GET
def livestream_detail(request: SellerRequest, stream_id: int) -> HttpResponse:
    stream = livestream_selectors.livestream_get_for_seller(seller=request.seller, stream_id=stream_id)
    return _stream_page(request, stream)


def _stream_conflict(request: SellerRequest, error: DomainError) -> None:
    if error.status_code != 409:  # a rule other than the stream's state: the service's own words
        messages.error(request, error.detail)
        return
    states = {"scheduled": _("Scheduled"), "live": _("Live"), "ended": _("Ended")}
    state = error.extra.get("current_status") or ""
    messages.error(
        request, _("Not possible in the stream's current state (%(state)s).") % {"state": states.get(state, state)}
    )


@member_required
@require_POST
def livestream_action(request: SellerRequest, stream_id: int, action: str) -> HttpResponse:
    """Start, end, pin, set or remove an offer: one service call each."""
    stream = livestream_selectors.livestream_get_for_seller(seller=request.seller, stream_id=stream_id)
    back = redirect("seller_dashboard:livestream", stream_id=stream.pk)
    try:
        if action == "start":
            live_services.livestream_start(stream=stream)
            messages.success(request, _("You are live."))
        elif action == "end":
            form = EndStreamForm(request.POST)
            if not form.is_valid():
                return _stream_page(request, stream, status=400, end_form=form)
            try:
                live_services.livestream_end(
                    stream=stream,
                    ended_by=f"seller ({request.user.email})",
                    replay_url=form.cleaned_data["replay_url"],
                )
            except DomainError as error:
                if error.status_code == 409:
                    raise
                for message in errors_to_form(form, error):
                    form.add_error("replay_url", message)
                return _stream_page(request, stream, status=400, end_form=form)
            messages.success(request, _("The stream has ended."))
        elif action == "pin":
            pin_form = PinForm(request.POST, skus=_pin_choices(request, stream))
            if not pin_form.is_valid():
                return _stream_page(request, stream, status=400, pin_form=pin_form)
            try:
                live_services.livestream_pin(stream=stream, sku=pin_form.cleaned_data["sku"], user=request.user)
            except DomainError as error:
                if error.status_code == 409:
                    raise
                for message in errors_to_form(pin_form, error):
                    pin_form.add_error("sku", message)
                return _stream_page(request, stream, status=400, pin_form=pin_form)
            messages.success(request, _("Pinned."))
        elif action == "offer":
            offer_form = OfferForm(request.POST)
            if not offer_form.is_valid():
                return _stream_page(request, stream, status=400, offer_form=offer_form)
            data = offer_form.cleaned_data
            try:
                live_services.live_offer_set(
                    stream=stream,
                    sku=data["sku"].strip(),
                    live_price=Money(data["live_price"], request.seller.currency),
                    quantity_cap=data["quantity_cap"],
                    per_buyer_limit=data["per_buyer_limit"],
                )
            except DomainError as error:
                if error.status_code == 409:
                    raise
                for message in errors_to_form(offer_form, error):
                    offer_form.add_error(None, message)
                return _stream_page(request, stream, status=400, offer_form=offer_form)
            messages.success(request, _("The offer was saved."))
        elif action == "remove-offer":
            offer_id = request.POST.get("offer", "")
            offer = next((o for o in stream.offers.all() if str(o.pk) == offer_id), None)
            if offer is None:
                raise Http404("No such offer.")
            live_services.live_offer_remove(offer=offer)
            messages.success(request, _("The offer was removed."))
        else:
            raise Http404("No such action.")
    except DomainError as error:
        _stream_conflict(request, error)
    return back


# --- orders, balance, payouts


@member_required
@require_GET
def order_list(request: SellerRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    queryset = order_selectors.seller_order_list_for_seller(seller=request.seller)
    if status in OrderStatus.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "seller_dashboard/orders.html",
        {
            "page": _page(request, queryset, size=20),
            "status": status,
            "statuses": OrderStatus.choices,
            "query": _query_without_page(request),
            "nav": "orders",
        },
    )


@member_required
@require_GET
def balance(request: SellerRequest) -> HttpResponse:
    page = _page(request, order_selectors.seller_ledger_entries(seller=request.seller), size=25)
    kinds = {
        "charge": _("Sale"),
        "commission": _("Commission"),
        "refund": _("Refund"),
        "commission_reversal": _("Commission returned"),
        "transfer": _("Transfer to you"),
    }
    # The ledger is signed from the platform's side (a credit to the seller is negative).
    entries = [
        {
            "entry": entry,
            "kind": kinds.get(entry.kind, entry.kind),
            "amount": from_minor_units(-entry.amount_minor, entry.currency),
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "seller_dashboard/balance.html",
        {
            "balances": order_selectors.seller_balance(seller=request.seller),
            "page": page,
            "entries": entries,
            "query": "",
            "seller": request.seller,
            "is_owner": request.membership.is_owner,
            "nav": "balance",
        },
    )


@member_required(owner=True)
@require_POST
def payout_onboarding(request: SellerRequest) -> HttpResponse:
    """Owners only, as ``POST /sellers/me/payout-onboarding/``: off to the provider's onboarding page."""
    back = request.build_absolute_uri(reverse("seller_dashboard:balance"))
    try:
        url = seller_services.seller_payout_onboarding_start(
            seller=request.seller, user=request.user, refresh_url=back, return_url=back
        )
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("seller_dashboard:balance")
    if not url or url.startswith("/") or settings.PAYMENT_PROVIDER == "offline":
        messages.success(request, _("Payout details were sent."))
        return redirect("seller_dashboard:balance")
    return HttpResponseRedirect(url)
