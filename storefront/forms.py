"""The storefront's forms: they render the fields and carry the errors back next to each field.

They check only what a browser form must (required, lengths, choices); the rules of the business are
checked by the services the API calls too, and their errors are attached to the field they name.
"""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.exceptions import DomainError
from core.money import SUPPORTED_CURRENCIES
from storefront import names

ORDERING_CHOICES = [
    ("", _("Best match")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
    ("fastest", _("Fastest delivery")),
]


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(SUPPORTED_CURRENCIES)]


def country_choices(codes: list[str], *, blank: Any = None) -> list[tuple[str, str]]:
    rows = sorted(((code, names.country_name(code)) for code in codes), key=lambda row: row[1])
    return ([("", blank)] if blank is not None else []) + rows


def errors_attach(form: forms.Form, error: DomainError, *, prefix: str = "") -> None:
    """Put a service's errors (``{"shipping_address.phone": [...]}``) next to the form's fields."""
    attached = False
    for key, messages in (error.errors or {}).items():
        field = key.removeprefix(prefix) if prefix else key
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
            attached = True
    if not attached:
        form.add_error(None, error.detail)


class CatalogForm(forms.Form):
    """The catalog's filters as a GET form (the names are the API's query parameters)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    origin_country = forms.ChoiceField(label=_("Made in"), required=False)
    min_price = forms.CharField(
        label=_("Price from"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    max_price = forms.CharField(
        label=_("Price to"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    ship_to = forms.ChoiceField(label=pgettext_lazy("destination country", "Ship to"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    ordering = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["origin_country"].choices = country_choices(countries, blank=_("Any country"))
        self.fields["ship_to"].choices = country_choices(countries, blank=_("Anywhere"))
        self.fields["currency"].choices = currency_choices()


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class LogInForm(AuthenticationForm):
    """Django's own: the error never says whether the email exists."""

    username = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class AddressForm(forms.Form):
    recipient = forms.CharField(
        label=_("Recipient"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "tel"}))
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(label=_("City"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20)
    line1 = forms.CharField(label=_("Address"), max_length=200)
    line2 = forms.CharField(label=_("Apartment, building (optional)"), max_length=200, required=False)
    preference = forms.ChoiceField(
        label=_("Delivery"),
        choices=[("cheapest", _("Cheapest")), ("fastest", _("Fastest"))],
        initial="cheapest",
        widget=forms.RadioSelect,
    )
    currency = forms.ChoiceField(label=_("Pay in"))

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(countries, blank="—")
        self.fields["currency"].choices = currency_choices()

    def address(self) -> dict[str, str]:
        fields = ("recipient", "phone", "country", "city", "postal_code", "line1", "line2")
        return {name: self.cleaned_data.get(name, "") for name in fields}
