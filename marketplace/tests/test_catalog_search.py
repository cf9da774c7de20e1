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
