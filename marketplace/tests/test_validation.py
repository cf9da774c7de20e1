"""The catalog rules as pure functions, and the language pick (no database)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace import i18n, validation

VALID_CHAPTERS = [chapter for chapter in range(1, 98) if chapter != 77]


@settings(max_examples=60, deadline=None)
@given(chapter=st.sampled_from(VALID_CHAPTERS), rest=st.text("0123456789", min_size=4, max_size=8))
def test_every_real_chapter_with_6_to_10_digits_passes(chapter: int, rest: str) -> None:
    assert validation.hs_code_errors(f"{chapter:02d}{rest}") == {}


@settings(max_examples=60, deadline=None)
@given(chapter=st.sampled_from([0, 77, 98, 99]), rest=st.text("0123456789", min_size=4, max_size=8))
def test_no_code_in_a_missing_chapter_passes(chapter: int, rest: str) -> None:
    assert "hs_code" in validation.hs_code_errors(f"{chapter:02d}{rest}")


def test_hs_code_normalisation() -> None:
    assert validation.hs_code_normalize(" 8516.71 00 ") == "85167100"
    assert validation.hs_code_errors("８５１６７１")  # full-width digits are not ASCII digits


@settings(max_examples=80, deadline=None)
@given(
    perishable=st.booleans(),
    low=st.none() | st.integers(-60, 60),
    high=st.none() | st.integers(-60, 60),
)
def test_cold_chain_accepts_exactly_the_sane_ranges(perishable: bool, low: int | None, high: int | None) -> None:
    errors = validation.cold_chain_errors(perishable=perishable, temperature_min_c=low, temperature_max_c=high)
    sane = (low is None and high is None) or (
        perishable and low is not None and high is not None and -30 <= low <= high <= 30
    )
    assert (errors == {}) == sane


def test_measurements() -> None:
    assert (
        validation.measurement_errors(weight_kg=Decimal("0.001"), length_cm=None, width_cm=None, height_cm=None) == {}
    )
    errors = validation.measurement_errors(
        weight_kg=Decimal("25000.001"), length_cm=Decimal("0"), width_cm=Decimal("1200"), height_cm=Decimal("-2")
    )
    assert set(errors) == {"weight_kg", "length_cm", "height_cm"}


def test_activation_missing_lists_in_a_stable_order() -> None:
    class V:
        def __init__(self, sku: str, **fields: object) -> None:
            self.sku, self.is_active = sku, fields.pop("is_active", True)
            for name in ("price", "weight_kg", "length_cm", "width_cm", "height_cm"):
                setattr(self, name, fields.get(name, 1))

    assert validation.activation_missing(hs_code="851671", origin_country="CN", variants=[V("A")]) == []
    assert validation.activation_missing(hs_code="", origin_country="", variants=[V("A", is_active=False)]) == [
        "hs_code",
        "origin_country",
        "variants",
    ]
    assert validation.activation_missing(
        hs_code="851671", origin_country="CN", variants=[V("A", price=None), V("B", height_cm=None)]
    ) == ["variants[A].price", "variants[B].height_cm"]


def test_language_from_header() -> None:
    assert i18n.language_from_header("zh-Hans-CN,zh;q=0.9") == "zh"
    assert i18n.language_from_header("de;q=1.0, uz-Latn;q=0.7, ru;q=0.8") == "ru"
    assert i18n.language_from_header("*") is None
    assert i18n.language_from_header("") is None
    assert i18n.translated({"ru": {"title": ""}}, "title", "Original", "ru") == "Original"
