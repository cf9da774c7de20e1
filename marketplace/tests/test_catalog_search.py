"""Catalog search: full text in every stored language on PostgreSQL, typos, Chinese fragments; the SQLite fallback."""

import pytest
from rest_framework.test import APIClient

from marketplace.browse.search import Search, search_filter
from marketplace.models import Product
from marketplace.tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods(categories):  # type: ignore[no-untyped-def]
    made = {
        "kettle": ProductFactory(
            title="Чайник электрический",
            description="Корпус из нержавеющей стали",
            translations={
                "en": {"title": "Electric kettle", "description": "Stainless steel body"},
                "zh": {"title": "不锈钢电水壶", "description": "不锈钢机身"},
                "kk": {"title": "Электр шәйнек"},
            },
        ),
        "apricots": ProductFactory(
            title="Quritilgan o'rik",
            description="Samarqand o'rigi",
            translations={
                "en": {"title": "Dried apricots", "description": "Sun-dried in Samarkand"},
                "ru": {"title": "Сушёные абрикосы", "description": "Высушены на солнце"},
                "uz": {"title": "Quritilgan o'rik"},
                "zh": {"title": "杏干"},
            },
        ),
        "flour": ProductFactory(
            title="Бидай ұны",
            description="Жоғары сұрып",
            translations={"en": {"title": "Wheat flour"}, "ru": {"title": "Пшеничная мука"}},
        ),
        "teapot": ProductFactory(
            title="Чойнак",
            description="Фарфор",
            translations={"en": {"title": "Porcelain teapot", "description": "Goes with a kettle"}},
        ),
    }
    for product in made.values():
        VariantFactory(product=product)
    return made


def _found(q: str) -> list[str]:
    response = APIClient().get("/api/v1/products/", {"q": q, "lang": "en"})
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("чайники", ["Electric kettle"]),  # Russian stemming: another form of the seller's "Чайник"
        ("чайника", ["Electric kettle"]),
        ("абрикосов", ["Dried apricots"]),  # … and of the Russian translation
        ("стали", ["Electric kettle"]),  # a Russian description
        ("水壶", ["Electric kettle"]),  # a fragment of the Chinese title, written without spaces
        ("电水", ["Electric kettle"]),
        ("杏", ["Dried apricots"]),
        ("壶", ["Electric kettle"]),  # one character, the last of its run
        ("钢电", ["Electric kettle"]),  # any two adjacent characters of a title
        ("茶杯", []),  # two characters in no title
        ("水杏", []),  # both characters are in titles, never side by side
        ("机身", []),  # in a Chinese description only: fragments are matched in titles, as before
        ("kettel", ["Electric kettle"]),  # a typo (matched against titles, not descriptions)
        ("aprikots", ["Dried apricots"]),
        ("Apricots", ["Dried apricots"]),
        ("ұны", ["Wheat flour"]),  # Kazakh, word for word
        ("o'rik", ["Dried apricots"]),  # Uzbek in Latin script
        ("чойнак", ["Porcelain teapot"]),  # Uzbek in Cyrillic script
        ("sun-dried", ["Dried apricots"]),
        ("submarine", []),
    ],
)
def test_full_text_search_in_every_language(goods, q, expected) -> None:
    assert _found(q) == expected


@pytest.mark.postgres
def test_a_short_cjk_query_is_a_token_of_the_full_text_column(categories) -> None:
    """One or two CJK characters find the titles containing them through the full-text column's
    character and pair tokens (ADR 0014; the index use itself is locked by test_catalog_explain.py)."""
    own = ProductFactory(title="电水壶 1.7L", translations={"en": {"title": "Kettle, 1.7 l"}})
    translated = ProductFactory(title="Чайник", translations={"zh": {"title": "不锈钢电水壶"}})
    japanese = ProductFactory(title="電気ポット", translations={"zh": {"title": "电热水瓶"}})
    korean = ProductFactory(title="전기 주전자", translations={"en": {"title": "Electric pot"}})
    described = ProductFactory(title="Чашка", translations={"zh": {"title": "茶杯", "description": "配 水壶"}})
    for product in (own, translated, japanese, korean, described):
        VariantFactory(product=product)

    def found(q: str) -> set[int]:
        response = APIClient().get("/api/v1/products/", {"q": q, "lang": "en"})
        return {row["id"] for row in response.json()["results"]}

    assert found("水壶") == {own.pk, translated.pk, described.pk}  # the last one by its description's word
    assert found("壶") == {own.pk, translated.pk}
    assert found("水") == {own.pk, translated.pk, japanese.pk}
    assert found("ポ") == found("ポッ") == found("水瓶") == {japanese.pk}
    assert found("ト电") == set()  # the seller's title and a translation are not one run
    assert found("주전") == {korean.pk}
    assert found("茶壶") == set()
    # Titles first: the seller's own and the translated title (weight A) above the description (C).
    response = APIClient().get("/api/v1/products/", {"q": "水壶", "lang": "en"})
    assert [row["id"] for row in response.json()["results"]][-1] == described.pk
    # Three characters or more: still the substring match (served by the trigram index).
    assert found("电水壶") == {own.pk, translated.pk}
    assert found("锈钢电水壶") == {translated.pk}


def test_short_cjk_queries_are_told_apart() -> None:
    assert Search("水壶").short_cjk and Search("杏").short_cjk and Search("ポッ").short_cjk and Search("주전").short_cjk
    assert not any(Search(q).short_cjk for q in ("电水壶", "tv", "A4", "水 壶", "水a", ""))


@pytest.mark.postgres
def test_title_matches_rank_above_description_matches(goods) -> None:
    # "kettle" is in the kettle's title and only in the teapot's description.
    assert _found("kettle") == ["Electric kettle", "Porcelain teapot"]
    assert _found("kettle")[0] == _found("kettles")[0] == "Electric kettle"


@pytest.mark.postgres
def test_explicit_ordering_overrides_relevance(goods) -> None:
    response = APIClient().get("/api/v1/products/", {"q": "kettle", "lang": "en", "ordering": "newest"})
    assert [row["title"] for row in response.json()["results"]] == ["Porcelain teapot", "Electric kettle"]


def test_an_exact_sku_finds_its_product(goods) -> None:
    variant = goods["flour"].variants.get()
    assert _found(variant.sku.lower()) == ["Wheat flour"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("чайники", {"kettle"}),  # a crude stem: "чайник"
        ("ЧАЙНИК", {"kettle"}),  # folded in Python, so Cyrillic case does not matter (SQLite's LOWER is ASCII only)
        ("水壶", {"kettle"}),
        ("steel body", {"kettle"}),  # every word, anywhere in titles and descriptions of any language
        ("apricots", {"apricots"}),
        ("kettle", {"kettle", "teapot"}),
        ("ұны", {"flour"}),
        ("submarine", set()),
    ],
)
def test_the_fallback_search_without_postgresql(goods, q, expected) -> None:
    """What ``make run`` (SQLite) uses; runs on either database by asking for the fallback."""
    found = search_filter(Product.objects.all(), Search(q), full_text=False)
    assert {name for name, product in goods.items() if product in found} == expected


def test_the_api_searches_on_whatever_database_it_has(goods) -> None:
    assert _found("apricots") == ["Dried apricots"]
    assert _found("Wheat FLOUR") == ["Wheat flour"]
