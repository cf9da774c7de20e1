"""Forms of the dashboard: they read what a person typed; the services decide what is allowed.

A service refuses bad input with ``ValidationFailed(errors={field: [...]})``, the same errors the
API answers; ``errors_to_form`` puts each next to its field (``variants.0.sku`` on the first
variant row), and anything else above the form.
"""

from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from marketplace.models import ProductStatus
from marketplace.selectors import category_list

LANGUAGE_CHOICES = [("en", "English"), ("ru", "Русский"), ("zh", "中文"), ("kk", "Қазақша"), ("uz", "Oʻzbekcha")]


def errors_to_form(form: forms.BaseForm, error: DomainError, *, prefix: str = "") -> list[str]:
    """Attach the service's field errors to ``form``; return the ones that belong to no field."""
    left: list[str] = []
    for name, messages in (error.errors or {}).items():
        field = name[len(prefix) :] if prefix and name.startswith(prefix) else name
        if (not prefix or name.startswith(prefix)) and field in form.fields:
            for message in messages:
                form.add_error(field, message)
        else:
            left.extend(f"{name}: {message}" for message in messages)
    if not error.errors:
        left.append(error.detail)
    return left


class ProductForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Category"), required=False)
    hs_code = forms.CharField(label=_("HS code"), max_length=20, required=False)
    origin_country = forms.CharField(
        label=_("Country of origin"), max_length=2, required=False, help_text=_("Two letters, such as CN or KZ.")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ProductStatus.DRAFT, _("Draft")),
            (ProductStatus.ACTIVE, _("Active")),
            (ProductStatus.ARCHIVED, _("Archived")),
        ],
    )
    perishable = forms.BooleanField(label=_("Perishable"), required=False)
    temperature_min_c = forms.IntegerField(
        label=_("Lowest temperature, °C"), required=False, min_value=-100, max_value=100
    )
    temperature_max_c = forms.IntegerField(
        label=_("Highest temperature, °C"), required=False, min_value=-100, max_value=100
    )
    shelf_life_days = forms.IntegerField(label=_("Shelf life, days"), required=False, min_value=0, max_value=100_000)
    hazardous = forms.BooleanField(label=_("Hazardous"), required=False)
    fragile = forms.BooleanField(label=_("Fragile"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *[(c.slug, c.name) for c in category_list()]]  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        """What the product services take (``category`` as the Category object, codes upper-case)."""
        data = dict(self.cleaned_data)
        slug = data.pop("category") or None
        data["category"] = next((c for c in category_list() if c.slug == slug), None) if slug else None
        data["origin_country"] = (data["origin_country"] or "").strip().upper()
        data["hs_code"] = (data["hs_code"] or "").strip()
        return data


class VariantForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    name = forms.CharField(label=_("Variant name"), max_length=200, required=False)
    price = forms.DecimalField(label=_("Price"), required=False, max_digits=14, decimal_places=4, localize=True)
    weight_kg = forms.DecimalField(
        label=_("Weight, kg"), required=False, max_digits=10, decimal_places=3, localize=True
    )
    length_cm = forms.DecimalField(label=_("Length, cm"), required=False, max_digits=8, decimal_places=2, localize=True)
    width_cm = forms.DecimalField(label=_("Width, cm"), required=False, max_digits=8, decimal_places=2, localize=True)
    height_cm = forms.DecimalField(label=_("Height, cm"), required=False, max_digits=8, decimal_places=2, localize=True)
    barcode = forms.CharField(label=_("Barcode"), max_length=32, required=False)
    is_active = forms.BooleanField(label=_("On sale"), required=False)


class BaseVariantFormSet(BaseFormSet):
    def filled_forms(self) -> list[forms.Form]:
        """The rows with an id or a SKU: those ``variants_data`` hands to the services, in order."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and (form.cleaned_data.get("id") or form.cleaned_data.get("sku"))
        ]

    def variants_data(self, currency: str) -> list[dict[str, Any]]:
        """The rows a person filled in, as the services' ``variants`` (blank extra rows left out)."""
        from moneyed import Money

        rows = []
        for form in self.filled_forms():
            data = form.cleaned_data
            row = {name: value for name, value in data.items() if name != "id"}
            if data.get("id"):
                row["id"] = data["id"]
            row["price"] = Money(data["price"], currency) if data.get("price") is not None else None
            row["sku"] = (data.get("sku") or "").strip()
            rows.append(row)
        return rows


VariantFormSet = formset_factory(VariantForm, formset=BaseVariantFormSet, extra=1, max_num=50, absolute_max=50)


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Image (JPEG, PNG or WebP)"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


class InboundForm(forms.Form):
    warehouse = forms.ChoiceField(label=_("Warehouse"))
    seller_reference = forms.CharField(label=_("Your reference"), max_length=64, required=False)
    lines = forms.CharField(
        label=_("Goods"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One SKU per line with its quantity, such as: TEA-100 24"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, warehouses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [(w.code, f"{w.code} · {w.name}") for w in warehouses]  # type: ignore[attr-defined]

    def clean_lines(self) -> list[tuple[str, int]]:
        parsed: list[tuple[str, int]] = []
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = raw.replace(",", " ").replace(";", " ").split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) < 1:
                raise forms.ValidationError(
                    _("Line %(number)s: write a SKU and a whole number of units."), params={"number": number}
                )
            parsed.append((parts[0], int(parts[1])))
        if not parsed:
            raise forms.ValidationError(_("Name at least one SKU."))
        if len(parsed) > 200:
            raise forms.ValidationError(_("At most 200 lines."))
        return parsed


class LiveStreamForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    host = forms.CharField(label=_("Host"), max_length=120)
    language = forms.ChoiceField(label=_("Language of the stream"), choices=LANGUAGE_CHOICES)
    stream_url = forms.CharField(
        label=_("Stream address"), max_length=500, help_text=_("HLS, RTMP(S) or a platform page.")
    )
    scheduled_start = forms.DateTimeField(
        label=_("Starts (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    scheduled_end = forms.DateTimeField(
        label=_("Ends (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class PinForm(forms.Form):
    sku = forms.ChoiceField(label=_("Product to pin"))

    def __init__(self, *args: Any, skus: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sku"].choices = skus  # type: ignore[attr-defined]


class OfferForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    live_price = forms.DecimalField(label=_("Live price"), max_digits=14, decimal_places=4, localize=True)
    quantity_cap = forms.IntegerField(label=_("Units offered"), min_value=1, max_value=1_000_000)
    per_buyer_limit = forms.IntegerField(label=_("Per buyer"), min_value=1, max_value=1_000_000, initial=1)


class EndStreamForm(forms.Form):
    replay_url = forms.CharField(label=_("Replay address (optional)"), max_length=500, required=False)
