"""Two imports of the same SKUs for one seller at the same time (PostgreSQL, real threads)."""

import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from marketplace.models import CatalogImport, Product, ProductVariant
from marketplace.services.categories import category_seed_defaults
from marketplace.services.imports import catalog_import_create, catalog_import_run
from sellers.tests.factories import SellerFactory, UserFactory

ROWS = 240


def _file() -> bytes:
    lines = ["sku,product_ref,title,price,hs_code,weight_kg,length_cm,width_cm,height_cm,status"]
    lines += [
        f"RACE-{n:04d},RACE-P{n // 2:04d},Thing {n // 2},{10 + n}.00,851671,1.5,10,10,10,active" for n in range(ROWS)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_skus_create_each_once(settings) -> None:
    settings.IMPORT_BATCH_SIZE = 40
    category_seed_defaults()
    user = UserFactory()
    seller = SellerFactory(owner=user)
    imports = [
        catalog_import_create(seller=seller, user=user, upload=ContentFile(_file(), name="race.csv"), schedule=False)
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(import_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            catalog_import_run(import_id=import_id)
        except BaseException as error:  # surfaced by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(catalog_import.pk,)) for catalog_import in imports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    done = list(CatalogImport.objects.filter(pk__in=[i.pk for i in imports]))
    assert [i.status for i in done] == ["done", "done"]
    assert sum(i.error_count for i in done) == 0
    assert sum(i.created_count for i in done) == ROWS  # each SKU created by exactly one of them
    assert sum(i.processed_rows for i in done) == 2 * ROWS
    assert ProductVariant.objects.filter(seller=seller).count() == ROWS
    assert Product.objects.filter(seller=seller).count() == ROWS // 2
