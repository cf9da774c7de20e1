"""The buyers' pages. Each view reads through the selectors and writes through the services the API
calls, and renders their results (the API's own renderings where there is one); no business rule
lives here. Domain errors become messages next to the field they name.
"""

from math import ceil
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import notification_get_for_user, notification_list_for_user
from accounts.services import notification_mark_read, user_register
from core.api.fields import money_to_representation
from core.exceptions import DomainError, NotFound, ValidationFailed
from core.money import currency_exists
from core.selectors import country_list_served
from marketplace import i18n
from marketplace import selectors as catalog_selectors
from marketplace.api.public_serializers import delivery_option_rendering, product_page_read, product_row
from marketplace.browse.params import BrowseParams, browse_params_parse
from marketplace.browse.query import (
    browse_build,
    browse_facets,
    browse_page,
    delivery_of,
    price_in,
)
from marketplace.live_events import live_event_bus
from marketplace.livestream_selectors import livestream_get_public, livestream_list_public
from marketplace.livestream_serializers import stream_rendering
from marketplace.serializers import ImageSerializer, media_url
from orders import selectors as order_selectors
from orders.serializers import cart_rendering, order_rendering, quote_rendering
from orders.services import (
    cart_get_or_create,
    cart_item_add,
    cart_item_remove,
    cart_item_update,
    cart_merge_session,
    checkout_quote,
    order_pay_offline,
    order_place,
    payment_open,
)
from orders.services.pricing import Converter
from sellers import services as seller_services
from sellers.selectors import seller_following_for_user, seller_get_public
from storefront.forms import AddressForm, CatalogForm, LogInForm, SignUpForm, errors_attach
from warehouses.catalog import CatalogStock

PAGE_SIZE = 20
SESSION_CURRENCY = "storefront_currency"
SESSION_SHIP_TO = "storefront_ship_to"
DEFAULT_CURRENCY = "USD"


# --- what the buyer chose: currency and destination, remembered in the session


def buyer_currency(request: HttpRequest) -> str:
    chosen = request.session.get(SESSION_CURRENCY)
    if chosen and currency_exists(chosen):
        return chosen
    user = request.user
    preferred = getattr(user, "preferred_currency", "") if user.is_authenticated else ""
    return preferred if preferred and currency_exists(preferred) else DEFAULT_CURRENCY


def buyer_ship_to(request: HttpRequest) -> str:
    return request.session.get(SESSION_SHIP_TO, "")


def _remember(request: HttpRequest, key: str, value: str) -> None:
    if request.session.get(key) != value:  # a session unchanged is not written again
        request.session[key] = value


def _served_codes() -> list[str]:
    return [country.code for country in country_list_served()]


def _language() -> str | None:
    """The catalog's language for the page's language (``zh-hans`` → ``zh``)."""
    return i18n.language_normalize(translation.get_language() or "")


def _safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def currency_set(request: HttpRequest) -> HttpResponse:
    """The currency switcher: kept in the session for every later page."""
    code = (request.POST.get("currency") or "").upper()
    if currency_exists(code):
        _remember(request, SESSION_CURRENCY, code)
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next"), reverse("storefront:home")))


# --- catalog


def _category_choices(language: str | None) -> list[tuple[str, str]]:
    return [
        (category.slug, i18n.translated_name(category.name_translations, category.name, language))
        for category in catalog_selectors.category_list()
    ]


def _rows(request: HttpRequest, browse: Any, products: list[Any], language: str | None) -> list[dict[str, Any]]:
    converter = browse.converter
    context = {"request": request}
    rows = []
    for product in products:
        delivery = delivery_of(product, browse.routes)
        row = product_row(
            product,
            language=language,
            price=price_in(converter, product.price_from, browse.unconvertible),
            delivery=delivery.as_json() if delivery else None,
            context=context,
        )
        row["srcset"] = _srcset(product, request)
        rows.append(row)
    return rows


def _srcset(product: Any, request: HttpRequest) -> str:
    """``srcset`` of the product's cover from its processed WebP thumbnails.

    A catalog page's rows carry ``cover_image`` (thumbnails, original), read for the whole page in
    one query by ``browse_page``; other rows read their first image.
    """
    cover = getattr(product, "cover_image", _NO_COVER_READ)
    if cover is _NO_COVER_READ:
        images = list(product.images.all())
        if not images:
            return ""
        return _image_srcset(ImageSerializer(images[0], context={"request": request}).data)
    if cover is None:
        return ""
    made = cover[0] or {}
    context = {"request": request}
    return _image_srcset({"thumbnails": {size: media_url(made.get(size, {}).get("webp"), context) for size in made}})


_NO_COVER_READ = object()


def _image_srcset(image: dict[str, Any]) -> str:
    from marketplace.models.media import THUMBNAIL_SIZES

    thumbnails = image.get("thumbnails") or {}
    return ", ".join(f"{url} {THUMBNAIL_SIZES[size]}w" for size, url in thumbnails.items() if url)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    language = _language()
    currency = buyer_currency(request)
    live = [stream_rendering(s, for_seller=False, with_offers=False) for s in livestream_list_public(status="live")[:4]]
    upcoming = [
        stream_rendering(s, for_seller=False, with_offers=False) for s in livestream_list_public(status="scheduled")[:4]
    ]
    browse = browse_build(
        params=BrowseParams(currency=currency, ordering="newest"), stock=CatalogStock(), converter=Converter(currency)
    )
    facets = browse_facets(browse)
    rows = _rows(request, browse, browse_page(browse, offset=0, limit=12), language)
    by_origin: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_origin.setdefault(row["origin_country"], []).append(row)
    categories = [
        {
            "slug": item["category"].slug,
            "name": i18n.translated_name(item["category"].name_translations, item["category"].name, language),
            "count": item["count"],
        }
        for item in facets.category
    ]
    return render(
        request,
        "storefront/home.html",
        {
            "live": live,
            "upcoming": upcoming,
            "categories": categories,
            "origins": facets.origin_country,
            "by_origin": sorted(by_origin.items()),
        },
    )


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    language = _language()
    query = request.GET.copy()
    # The filters' currency and destination are the buyer's choice for later pages too.
    chosen_currency, chosen_ship_to = str(query.get("currency", "")), query.get("ship_to")
    if chosen_currency and currency_exists(chosen_currency):
        _remember(request, SESSION_CURRENCY, chosen_currency)
    if chosen_ship_to is not None and chosen_ship_to in ("", *_served_codes()):
        _remember(request, SESSION_SHIP_TO, str(chosen_ship_to))
    query.setdefault("currency", buyer_currency(request))
    if "ship_to" not in request.GET and buyer_ship_to(request):
        query["ship_to"] = buyer_ship_to(request)
    categories = _category_choices(language)
    form = CatalogForm(query, categories=categories, countries=_served_codes())
    form.is_valid()  # renders the choices; the catalog's own parser decides below
    context: dict[str, Any] = {"form": form, "rows": [], "count": 0, "facets": None}
    try:
        params = browse_params_parse({key: value for key, value in query.items() if value != "" and key != "page"})
        converter = Converter(params.currency) if params.currency else None
        browse = browse_build(params=params, stock=CatalogStock(), converter=converter)
    except ValidationFailed as error:
        errors_attach(form, error)
        return render(request, "storefront/product_list.html", context, status=400)
    facets = browse_facets(browse)
    pages = max(1, ceil(facets.count / PAGE_SIZE))
    raw_page = request.GET.get("page", "1")
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 9 else 0
    if not 1 <= page <= pages:
        raise Http404(_("No such page."))
    products = browse_page(browse, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    category_names = dict(categories)
    context.update(
        {
            "rows": _rows(request, browse, products, language),
            "count": facets.count,
            "facets": {
                "category": [
                    {
                        "slug": item["category"].slug,
                        "name": category_names.get(item["category"].slug, item["category"].slug),
                        "count": item["count"],
                    }
                    for item in facets.category
                ],
                "origin_country": facets.origin_country,
            },
            "page": page,
            "pages": pages,
            "ship_to": params.ship_to,
        }
    )
    return render(request, "storefront/product_list.html", context)


@require_GET
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    language = _language()
    currency = buyer_currency(request)
    ship_to = request.GET.get("ship_to", buyer_ship_to(request)) or ""
    if ship_to and ship_to not in _served_codes():
        ship_to = ""
    if product_id >= 2**63:
        raise Http404
    context = {"request": request}
    try:
        page = product_page_read(
            product_id=product_id, ship_to=ship_to, currency=currency, language=language, context=context
        )
    except NotFound as error:
        raise Http404(error.detail) from None
    product, row, variants, options, converter = page.product, page.row, page.variants, page.options, page.converter
    images = ImageSerializer(product.images.all(), many=True, context=context).data
    # One line per warehouse (the fastest of its variants): "5–8 days by TIR truck from Urumqi".
    per_warehouse: dict[str, dict[str, Any]] = {}
    for option in options:
        rendered = delivery_option_rendering(option)
        code = rendered["warehouse"]["code"]
        if code not in per_warehouse or rendered["days_max"] < per_warehouse[code]["days_max"]:
            per_warehouse[code] = rendered
    return render(
        request,
        "storefront/product_detail.html",
        {
            "product": row,
            "description": i18n.translated(product.translations, "description", product.description, language),
            "images": [{**image, "srcset": _image_srcset(image)} for image in images],
            "variants": [
                {
                    "id": v.pk,
                    "name": v.name,
                    "sku": v.sku,
                    "in_stock": bool(getattr(v, "in_stock", False)),
                    "price": money_to_representation(price_in(converter, v.price)),
                }
                for v in variants
            ],
            "deliveries": list(per_warehouse.values()),
            "ship_to": ship_to,
            "countries": _served_codes(),
            "currency": currency,
        },
    )


# --- livestreams and sellers


@require_GET
def livestream_detail(request: HttpRequest, stream_id: int) -> HttpResponse:
    try:
        stream = livestream_get_public(stream_id=stream_id)
    except NotFound:
        raise Http404(_("No such live stream.")) from None
    rendered = stream_rendering(stream, for_seller=False)
    pinned = rendered["pinned"]
    if pinned is not None:  # as the "pinned" event says: the live price when the stream offers one
        offer = next((o for o in rendered["offers"] if o["variant"] == pinned["variant"]), None)
        pinned["live_price"] = offer["live_price"] if offer else None
    # The page shows the state as of this read; the script listens from here on (nothing missed,
    # nothing replayed). Under WSGI the same URL answers by polling and EventSource reconnects.
    last_id = live_event_bus().last_id(stream_id=stream.pk)
    return render(
        request,
        "storefront/livestream.html",
        {"stream": rendered, "events_url": f"/api/v1/livestreams/{stream.pk}/events/?last_event_id={last_id}"},
    )


@require_GET
def seller_detail(request: HttpRequest, seller_id: int) -> HttpResponse:
    try:
        seller = seller_get_public(seller_id=seller_id)
    except NotFound:
        raise Http404(_("No such seller.")) from None
    language = _language()
    currency = buyer_currency(request)
    browse = browse_build(
        params=BrowseParams(seller=seller.pk, currency=currency, ordering="newest"),
        stock=CatalogStock(),
        converter=Converter(currency),
    )
    rows = _rows(request, browse, browse_page(browse, offset=0, limit=24), language)
    streams = [
        stream_rendering(s, for_seller=False, with_offers=False)
        for s in livestream_list_public().filter(seller=seller).exclude(status="ended")[:6]
    ]
    following = (
        request.user.is_authenticated and seller_following_for_user(user=request.user).filter(seller=seller).exists()
    )
    return render(
        request,
        "storefront/seller.html",
        {"seller": seller, "rows": rows, "streams": streams, "following": following},
    )


@login_required
@require_POST
def seller_follow(request: HttpRequest, seller_id: int) -> HttpResponse:
    try:
        seller = seller_get_public(seller_id=seller_id)
    except NotFound:
        raise Http404 from None
    if request.POST.get("action") == "unfollow":
        seller_services.seller_unfollow(seller=seller, user=request.user)
    else:
        seller_services.seller_follow(seller=seller, user=request.user)
    return redirect("storefront:seller", seller_id=seller.pk)


# --- cart and checkout


def _cart_context(request: HttpRequest) -> dict[str, Any]:
    cart = cart_get_or_create(user=request.user)
    currency = buyer_currency(request)
    items, priced, subtotal = order_selectors.cart_priced(cart=cart, currency=currency, user=request.user)
    return cart_rendering(items=items, priced=priced, currency=currency, subtotal=subtotal)


@login_required
def cart(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/cart.html", {"cart": _cart_context(request)})


def _positive_int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10 else None


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add a variant (at its live price when ``livestream`` is given); errors go back to the page."""
    back = _safe_next(request, request.POST.get("next"), reverse("storefront:cart"))
    if not request.user.is_authenticated:  # log in, then back to the page the buyer was on
        return redirect_to_login(back)
    variant = _positive_int(request.POST.get("variant"))
    quantity = _positive_int(request.POST.get("quantity", "1"))
    livestream = _positive_int(request.POST.get("livestream") or "")
    try:
        cart_item_add(
            cart=cart_get_or_create(user=request.user),
            variant_id=variant if variant is not None else request.POST.get("variant"),
            quantity=quantity if quantity is not None else 0,
            livestream_id=livestream,
        )
    except DomainError as error:
        from django.contrib import messages

        messages.error(request, _messages_of(error))
        return HttpResponseRedirect(back)
    from django.contrib import messages

    messages.success(request, _("Added to your cart."))
    return redirect("storefront:cart")


def _messages_of(error: DomainError) -> str:
    texts = [message for messages in (error.errors or {}).values() for message in messages]
    return " ".join(texts) or error.detail


@login_required
@require_POST
def cart_item_change(request: HttpRequest, item_id: int) -> HttpResponse:
    from django.contrib import messages

    try:
        item = order_selectors.cart_item_get(cart=cart_get_or_create(user=request.user), item_id=item_id)
    except NotFound:
        raise Http404 from None
    try:
        if request.POST.get("action") == "remove":
            cart_item_remove(item=item)
        else:
            quantity = _positive_int(request.POST.get("quantity"))
            cart_item_update(item=item, quantity=quantity if quantity is not None else 0)
    except DomainError as error:
        messages.error(request, _messages_of(error))
    return redirect("storefront:cart")


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    """GET: the address form. POST ``quote``: the quote below it. POST ``place``: the order, then its page."""
    countries = _served_codes()
    initial = {"currency": buyer_currency(request), "country": buyer_ship_to(request), "preference": "cheapest"}
    form = AddressForm(request.POST or None, countries=countries, initial=initial)
    context: dict[str, Any] = {"form": form, "cart": _cart_context(request), "quote": None}
    if request.method != "POST":
        return render(request, "storefront/checkout.html", context)
    if not form.is_valid():
        return render(request, "storefront/checkout.html", context, status=400)
    arguments = {
        "shipping_address": form.address(),
        "currency": form.cleaned_data["currency"],
        "preference": form.cleaned_data["preference"],
    }
    cart_obj = cart_get_or_create(user=request.user)
    try:
        if request.POST.get("action") == "place":
            order = order_place(user=request.user, cart=cart_obj, **arguments)
        else:
            quote = checkout_quote(user=request.user, cart=cart_obj, **arguments)
            context["quote"] = quote_rendering(quote)
            return render(request, "storefront/checkout.html", context)
    except DomainError as error:
        errors_attach(form, error, prefix="shipping_address.")
        return render(request, "storefront/checkout.html", context, status=error.status_code)
    # Committed: open the payment with no lock held (as the API does), then show the order.
    payment_open(order=order)
    return redirect("storefront:order", order_id=order.pk)


# --- orders


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    orders = order_selectors.order_list_for_buyer(user=request.user)[:50]
    return render(request, "storefront/orders.html", {"orders": orders})


def _timeline(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The tracking rows of each shipment (by warehouse), the order's own events first."""
    tracking = order.get("tracking") or []
    shipments = []
    for shipment in order["shipments"]:
        events = [
            row for row in tracking if row["source"] == "shipment" and row.get("warehouse") == shipment["warehouse"]
        ]
        shipments.append({**shipment, "events": events})
    return shipments


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """A buyer's own order; anyone else's is a 404 (the selector never finds it)."""
    try:
        order = order_selectors.order_get_for_buyer(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404(_("No such order.")) from None
    error = ""
    if request.method == "POST":
        try:
            order_pay_offline(order=order, actor=request.user)
        except DomainError as problem:
            error = problem.detail
        else:
            return redirect("storefront:order", order_id=order.pk)
    rendered = order_rendering(order, tracking=order_selectors.order_tracking(order=order))
    payment = rendered["payment"]
    return render(
        request,
        "storefront/order.html",
        {
            "order": rendered,
            "shipments": _timeline(rendered),
            "order_events": [row for row in rendered["tracking"] if row["source"] == "order"],
            "pay_offline": rendered["status"] == "pending_payment" and payment["provider"] == "offline",
            "pay_stripe": rendered["status"] == "pending_payment"
            and payment["provider"] == "stripe"
            and bool(payment["client_secret"]),
            "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
            "error": error,
        },
    )


# --- accounts


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, _token = user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                preferred_language=translation.get_language() or "",
            )
        except ValidationFailed as error:
            errors_attach(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_safe_next(request, request.GET.get("next"), reverse("storefront:home")))
    status = 400 if request.method == "POST" else 200
    return render(request, "storefront/sign_up.html", {"form": form}, status=status)


def log_in(request: HttpRequest) -> HttpResponse:
    form = LogInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        session_cart = request.session.get("karavan_cart_id")
        login(request, form.get_user())
        if session_cart:
            cart_merge_session(session=request.session, user=request.user)
        return redirect(_safe_next(request, request.GET.get("next"), reverse("storefront:home")))
    status = 400 if request.method == "POST" else 200
    return render(request, "storefront/log_in.html", {"form": form}, status=status)


@require_POST
def log_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("storefront:home")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    if request.method == "POST":
        try:
            note = notification_get_for_user(user=user, notification_id=request.POST.get("notification"))
        except NotFound:
            raise Http404 from None
        notification_mark_read(notification=note, at=timezone.now())
        return redirect("storefront:notifications")
    rows = notification_list_for_user(user=user)[:50]
    return render(request, "storefront/notifications.html", {"notifications": rows})
