"""Bulk CSV import of products and variants: streamed, validated per row, written in batches.

The file is read through Django's storage API as a text stream (UTF-8 with or without BOM,
``,`` or ``;`` sniffed from the header), never loaded whole. Rows are grouped into batches of
``settings.IMPORT_BATCH_SIZE``; each batch costs two reads and at most four bulk writes in one
transaction, and moves ``processed_rows`` on in the same transaction, so progress shown to the
seller is always what is saved. A bad row is reported (row, field, message) and skipped; it
never blocks the others. Rows are matched by SKU, so importing the same file twice changes
nothing the second time (every row counts as unchanged).

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from marketplace.services.imports.columns import CONTRACT_COLUMNS, EXTRA_COLUMNS, KNOWN_COLUMNS, import_template_csv
from marketplace.services.imports.reading import import_header_check, import_header_probe
from marketplace.services.imports.runner import catalog_import_create, catalog_import_files_purge, catalog_import_run

__all__ = [
    "CONTRACT_COLUMNS",
    "EXTRA_COLUMNS",
    "KNOWN_COLUMNS",
    "catalog_import_create",
    "catalog_import_files_purge",
    "catalog_import_run",
    "import_header_check",
    "import_header_probe",
    "import_template_csv",
]
