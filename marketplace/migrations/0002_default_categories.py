"""Seed the platform's top-level categories (issue 3: real categories from the first deploy)."""

from django.db import migrations

# A frozen copy: migrations must not change when the service's list does.
CATEGORIES = [
    ("electronics", "Electronics", {"ru": "Электроника", "zh": "电子产品"}),
    ("household", "Household", {"ru": "Товары для дома", "zh": "家居用品"}),
    ("tools-renovation", "Tools and renovation", {"ru": "Инструменты и ремонт", "zh": "工具与装修"}),
    ("clothing-shoes", "Clothing and shoes", {"ru": "Одежда и обувь", "zh": "服装鞋类"}),
    ("agri-machinery", "Agricultural machinery", {"ru": "Сельхозтехника", "zh": "农业机械"}),
    ("fresh-produce", "Fresh produce", {"ru": "Свежие фрукты и овощи", "zh": "生鲜果蔬"}),
    ("food", "Food", {"ru": "Продукты питания", "zh": "食品"}),
    ("health", "Health", {"ru": "Здоровье", "zh": "健康"}),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("marketplace", "Category")
    for position, (slug, name, translations) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_translations": translations, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
