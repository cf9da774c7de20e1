"""The category tree: the platform's top-level categories (idempotent upsert by slug)."""

from django.db import transaction

from marketplace.models import Category

# The trade flows of DOMAIN.md: Chinese goods west and south, Central Asian food east.
DEFAULT_CATEGORIES: list[tuple[str, str, dict[str, str]]] = [
    ("electronics", "Electronics", {"ru": "Электроника", "zh": "电子产品", "kk": "Электроника", "uz": "Elektronika"}),
    ("household", "Household", {"ru": "Товары для дома", "zh": "家居用品", "kk": "Үй тауарлары", "uz": "Uy-roʻzgʻor"}),
    (
        "tools-renovation",
        "Tools and renovation",
        {"ru": "Инструменты и ремонт", "zh": "工具与装修", "kk": "Құралдар және жөндеу", "uz": "Asboblar va taʼmir"},
    ),
    (
        "clothing-shoes",
        "Clothing and shoes",
        {"ru": "Одежда и обувь", "zh": "服装鞋类", "kk": "Киім және аяқ киім", "uz": "Kiyim va poyabzal"},
    ),
    (
        "agri-machinery",
        "Agricultural machinery",
        {
            "ru": "Сельхозтехника",
            "zh": "农业机械",
            "kk": "Ауыл шаруашылығы техникасы",
            "uz": "Qishloq xoʻjaligi texnikasi",
        },
    ),
    (
        "fresh-produce",
        "Fresh produce",
        {"ru": "Свежие фрукты и овощи", "zh": "生鲜果蔬", "kk": "Жаңа піскен өнім", "uz": "Yangi meva-sabzavot"},
    ),
    ("food", "Food", {"ru": "Продукты питания", "zh": "食品", "kk": "Азық-түлік", "uz": "Oziq-ovqat"}),
    ("health", "Health", {"ru": "Здоровье", "zh": "健康", "kk": "Денсаулық", "uz": "Salomatlik"}),
]


@transaction.atomic
def category_seed_defaults() -> int:
    """Create or refresh the top-level categories; returns how many exist afterwards."""
    for position, (slug, name, translations) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_translations": translations, "position": position, "parent": None}
        )
    return Category.objects.filter(slug__in=[slug for slug, _name, _tr in DEFAULT_CATEGORIES]).count()
