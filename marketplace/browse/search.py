"""Search of the public catalog: PostgreSQL full text in every language, trigrams, and a SQLite fallback.

On PostgreSQL a product matches ``q`` when any of these holds:

- its full-text column ``search_vector`` (titles weighted above descriptions, every stored
  language) matches the query parsed with the English, Russian and simple configurations, so
  "чайники" finds "Чайник электрический" (Russian stemming) and "kettles" finds "Electric kettle";
  the Russian configuration also stems Latin words the English way, which suits the seller's own
  wording, whose language we do not know;
- its lower-cased titles (``search_text``) contain ``q`` as a substring: Chinese is written without
  spaces, so "水壶" must find "电水壶" without a Chinese word splitter (a query of three characters
  or more is served by the trigram index);
- a query of one or two CJK characters (most Chinese words are two) is matched through the
  full-text column instead: pg_trgm extracts no trigram from it, so its ``LIKE`` would read the
  whole table. The column carries, for every run of CJK characters (Han, kana, Hangul) in the
  titles, each character and each overlapping pair ("电水壶" gives 电 水 壶 电水 水壶), as Lucene's
  CJK bigram filter does with unigrams on; the query itself is then one of those tokens. The
  tokens are computed in the database (``CJK_GRAMS_SQL``, an immutable function the generated
  column calls), so every writer, COPY and ``bulk_update`` included, keeps them right;
- ``q`` is similar to a word run of the titles by trigrams (``word_similarity``), which forgives a
  typo ("kettel") in any script, Kazakh and Uzbek (Latin or Cyrillic) included;
- ``q`` is the exact SKU of an active variant.

Matches are ranked by full-text rank (cover density) plus trigram word similarity.

The full-text column is a generated column defined in SQL (``SCHEMA_SQL``) rather than a model field,
so that no query of the rest of the code base ever reads the tsvector; a migration creates it on
PostgreSQL (a no-op on SQLite), and ``search_schema_ensure`` creates it when the test runner builds
tables without migrations.

On SQLite (``make run``) the fallback needs no schema: every query word, crudely stemmed, must occur
in the lower-cased title, description and translations, computed by a Python function registered on
each SQLite connection (SQLite's own ``LOWER`` only handles ASCII). It is not typo-tolerant.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact, TrigramWordSimilarity
from django.contrib.postgres.search import SearchVectorField as _SearchVectorField
from django.db import connection as default_connection
from django.db.models import Case, Expression, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from marketplace.models import Product, ProductVariant

#: Longest query accepted (characters); a search is bounded work.
QUERY_MAX_LENGTH = 200
#: Words of a query the SQLite fallback looks at.
FALLBACK_MAX_WORDS = 8
#: ``word_similarity`` a title must reach to match a query with a typo (pg_trgm's default is 0.6,
#: which misses a swapped pair of letters in a six-letter word: "kettel" is 0.57 of "kettle").
WORD_SIMILARITY_THRESHOLD = 0.5
#: Queries shorter than this are not matched by similarity (too few trigrams to mean anything).
TYPO_MIN_LENGTH = 4
#: Text-search configurations a query is parsed with; the generated column uses the same ones.
QUERY_CONFIGS = ("english", "russian", "simple")

#: Characters written without spaces between words (code point ranges): CJK unified ideographs
#: (with extension A, the compatibility block and the supplementary planes' extensions B–F), the
#: iteration marks 々〆〇, hiragana and katakana (half-width too; not the punctuation ゠ and ・,
#: which the text-search parser drops), Hangul syllables.
CJK_RANGES = (
    (0x3005, 0x3007),
    (0x3040, 0x309F),
    (0x30A1, 0x30FA),
    (0x30FC, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0x20000, 0x2FA1F),
)
#: Queries of at most this many CJK characters are matched by their tokens, not by substring.
CJK_SHORT_MAX_LENGTH = 2
_CJK_SHORT = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES) + f"]{{1,{CJK_SHORT_MAX_LENGTH}}}"
)


def _sql_code_point(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


#: A run of CJK characters, as a PostgreSQL regular expression (ARE escapes, UTF-8 database).
CJK_RUN_SQL_PATTERN = "[" + "".join(f"{_sql_code_point(lo)}-{_sql_code_point(hi)}" for lo, hi in CJK_RANGES) + "]+"

CJK_GRAMS_FUNCTION = "karavan_cjk_grams"
#: ``karavan_cjk_grams('电水壶 kettle 杏')`` is ``'电 电水 水 水壶 壶 杏'``: every character of each CJK
#: run and every overlapping pair, space-separated (what ``to_tsvector('simple', …)`` then indexes).
CJK_GRAMS_SQL = f"""CREATE OR REPLACE FUNCTION {CJK_GRAMS_FUNCTION}(document text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(gram, ' ' ORDER BY runs.n, i, size), '')
    FROM regexp_matches(document, '{CJK_RUN_SQL_PATTERN}', 'g') WITH ORDINALITY AS runs(run, n)
    CROSS JOIN LATERAL generate_series(1, char_length(runs.run[1])) AS i
    CROSS JOIN LATERAL (VALUES (1, substr(runs.run[1], i, 1)), (2, substr(runs.run[1], i, 2))) AS grams(size, gram)
    WHERE char_length(gram) = size
$$"""  # noqa: S608 - constants only

VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "product_search_vector_idx"
TRIGRAM_INDEX = "product_search_text_trgm_idx"
PRICE_DESC_INDEX = "product_status_price_desc_idx"


def _weighted(config: str, text: str, weight: str) -> str:
    return f"setweight(to_tsvector('{config}', {text}), '{weight}')"


def _document(field: str, weight: str) -> list[str]:
    """The parts of the tsvector for one field (``title`` or ``description``) in every language."""
    own = f"coalesce({field}, '')"
    return [
        # The seller's own wording, language unknown: Russian stems Cyrillic words the Russian way
        # and Latin words the English way; "simple" keeps every word as written.
        _weighted("russian", own, weight),
        _weighted("simple", own, weight),
        _weighted("english", f"coalesce(translations->'en'->>'{field}', '')", weight),
        _weighted("russian", f"coalesce(translations->'ru'->>'{field}', '')", weight),
        # Every language, Chinese, Kazakh and Uzbek included, word for word (a new language is data).
        _weighted("simple", f"jsonb_path_query_array(translations, '$.*.{field}')", weight),
    ]


#: The CJK characters and pairs of every title (the seller's and each translation's), weighing A.
_CJK_TITLE_GRAMS = _weighted(
    "simple",
    f"{CJK_GRAMS_FUNCTION}(coalesce(title, '') || ' ' || jsonb_path_query_array(translations, '$.*.title')::text)",
    "A",
)

#: The generated full-text column: titles weigh A, descriptions C.
VECTOR_SQL = " || ".join([*_document("title", "A"), *_document("description", "C"), _CJK_TITLE_GRAMS])

#: Everything the PostgreSQL search needs, idempotent (also run by ``search_schema_ensure``).
SCHEMA_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    CJK_GRAMS_SQL,
    f"ALTER TABLE marketplace_product ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({VECTOR_SQL}) STORED",
    f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON marketplace_product USING gin ({VECTOR_COLUMN})",
    f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON marketplace_product USING gin (search_text gin_trgm_ops)",
    # Dearest first (``ordering=-price``) with products lacking a reference price last. Here rather
    # than in the model's indexes because SQLite cannot declare NULLS LAST in an index.
    f"CREATE INDEX IF NOT EXISTS {PRICE_DESC_INDEX} ON marketplace_product "
    "(status, price_reference DESC NULLS LAST, id DESC)",
]
#: What the migration's reverse removes (the extension stays: other tables may use it).
SCHEMA_DROP_SQL = [
    f"DROP INDEX IF EXISTS {PRICE_DESC_INDEX}",
    f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}",
    f"DROP INDEX IF EXISTS {VECTOR_INDEX}",
    f"ALTER TABLE marketplace_product DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
    f"DROP FUNCTION IF EXISTS {CJK_GRAMS_FUNCTION}(text)",
]
#: The full-text column rebuilt with the current ``VECTOR_SQL`` (PostgreSQL cannot change a
#: generated column's expression in place): every row's vector is computed again, under an
#: exclusive lock of the table for the rewrite (seconds at 100,000 products).
SCHEMA_REBUILD_SQL = [
    f"DROP INDEX IF EXISTS {VECTOR_INDEX}",
    f"ALTER TABLE marketplace_product DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
    *SCHEMA_SQL,
]


def search_schema_ensure(connection: Any) -> None:
    """Create the full-text column, its index and the trigram index (PostgreSQL only; idempotent)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in SCHEMA_SQL:
            cursor.execute(statement)


# --- expressions ------------------------------------------------------------------------------


class ProductSearchVector(Expression):
    """The generated ``search_vector`` column of the product table (not a model field, see above)."""

    output_field = _SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(Product._meta.db_table)
        return f"{table}.{connection.ops.quote_name(VECTOR_COLUMN)}", []


class CatalogDocument(Func):
    """Title, description and every translation, lower-cased: what the fallback searches in."""

    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(F("title"), F("description"), Cast(F("translations"), TextField()))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return super().as_sql(compiler, connection, function="karavan_catalog_document", **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # PostgreSQL's LOWER folds every script, and jsonb's text keeps non-ASCII as it is.
        return super().as_sql(compiler, connection, template="LOWER(%(expressions)s)", arg_joiner=" || ' ' || ")


def catalog_document(title: str | None, description: str | None, translations: str | None) -> str:
    """SQLite function behind ``CatalogDocument``: the same text, lower-cased by Python."""
    parts = [title or "", description or ""]
    try:
        data = json.loads(translations or "{}")
    except ValueError:
        data = {}
    if isinstance(data, dict):
        for fields in data.values():
            if isinstance(fields, dict):
                parts.extend(str(text) for text in fields.values() if text)
    return " ".join(part for part in parts if part).lower()


def sqlite_functions_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: give every SQLite connection the fallback's function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("karavan_catalog_document", 3, catalog_document, deterministic=True)


# --- the search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """A parsed query: the text as typed (stripped), and lower-cased."""

    text: str

    @property
    def lowered(self) -> str:
        # str.lower, as ``product_search_text`` stores the titles.
        return self.text.lower()

    @property
    def short_cjk(self) -> bool:
        """One or two CJK characters: one token of the full-text column, too short for trigrams."""
        return _CJK_SHORT.fullmatch(self.text) is not None

    def words(self) -> list[str]:
        return [word for word in re.split(r"[\s,.;:!?()\"'|/\\]+", self.lowered) if word][:FALLBACK_MAX_WORDS]


def _sku_product_ids(search: Search) -> list[int]:
    """Products with an active variant whose SKU is exactly the query (any case), one indexed query."""
    return list(
        ProductVariant.objects.filter(sku__iexact=search.text, is_active=True)
        .order_by()
        .values_list("product_id", flat=True)
        .distinct()[:100]
    )


def _stem(word: str) -> str:
    """A crude stem for the fallback: long words lose their ending ("чайники" → "чайник", "kettles" → "kettl")."""
    if len(word) >= 6:
        return word[:-2]
    if len(word) == 5:
        return word[:-1]
    return word


def _tsquery(search: Search) -> Any:
    query = SearchQuery(search.text, config=QUERY_CONFIGS[0], search_type="websearch")
    for config in QUERY_CONFIGS[1:]:
        query = query | SearchQuery(search.text, config=config, search_type="websearch")
    return query


def uses_full_text(connection: Any = None) -> bool:
    return (connection or default_connection).vendor == "postgresql"


def search_prepare(connection: Any = None) -> None:
    """Set the trigram threshold on the connection (pg_trgm operators read it; one cheap statement)."""
    connection = connection or default_connection
    if uses_full_text(connection):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(WORD_SIMILARITY_THRESHOLD)]
            )


def search_filter(queryset: QuerySet[Product], search: Search, *, full_text: bool | None = None) -> QuerySet[Product]:
    """Products matching the query (see the module docstring), each annotated with ``search_rank``."""
    full_text = uses_full_text() if full_text is None else full_text
    sku_ids = _sku_product_ids(search)
    if full_text:
        vector, tsquery = ProductSearchVector(), _tsquery(search)
        match = Q(SearchVectorExact(vector, tsquery))
        if not search.short_cjk:
            # (A short CJK query is itself a token of the vector: the substring match would add
            # nothing but a read of the whole table.)
            match |= Q(Contains(F("search_text"), search.lowered))
        if len(search.text) >= TYPO_MIN_LENGTH:
            match |= Q(TrigramWordSimilar(F("search_text"), Value(search.lowered)))
        rank: Any = SearchRank(vector, tsquery, cover_density=True) + TrigramWordSimilarity(
            Value(search.lowered), F("search_text")
        )
    else:
        document = CatalogDocument()
        match = Q()
        for word in search.words():
            match &= Q(Contains(document, _stem(word)))
        if not search.words():
            match = Q(pk__in=[])
        # Without a ranking function, titles containing the whole query come first.
        rank = Case(When(Contains(F("search_text"), search.lowered), then=Value(1.0)), default=Value(0.0))
    if sku_ids:
        match |= Q(pk__in=sku_ids)
    return queryset.filter(match).alias(search_rank=rank)
