"""Which language a buyer reads the catalog in, and the translated text with its fallback.

``Accept-Language`` is parsed here rather than read from ``LocaleMiddleware`` so that "no
supported language asked for" stays distinguishable from "English asked for", and so that
``zh-CN``/``zh-Hans``/``zh`` all mean the Chinese translation (stored as ``zh``).
Fallback order: the first supported language the caller asks for (by q-value), then English,
then the seller's own wording.
"""

from typing import Any

from django.utils.translation.trans_real import parse_accept_lang_header

from marketplace.models.catalog import LANGUAGES

FALLBACK_LANGUAGE = "en"


def language_normalize(tag: str) -> str | None:
    """``zh-Hans-CN`` → ``zh``, ``uz-Latn`` → ``uz``, ``*``/unknown → None."""
    primary = tag.strip().lower().split("-")[0].split("_")[0]
    return primary if primary in LANGUAGES else None


def language_from_header(header: str | None) -> str | None:
    """The first supported language in an ``Accept-Language`` header, or None."""
    if not header:
        return None
    for tag, _quality in parse_accept_lang_header(header[:500]):
        language = language_normalize(tag)
        if language:
            return language
    return None


def language_for_request(request: Any) -> str | None:
    """``?lang=`` wins (handy for links and caches), then ``Accept-Language``."""
    explicit = request.query_params.get("lang") if hasattr(request, "query_params") else None
    if explicit and language_normalize(explicit):
        return language_normalize(explicit)
    return language_from_header(request.META.get("HTTP_ACCEPT_LANGUAGE"))


def translated(translations: dict[str, Any] | None, field: str, original: str, language: str | None) -> str:
    """``translations[language][field]`` with the fallback chain described above."""
    translations = translations or {}
    for candidate in (language, FALLBACK_LANGUAGE):
        if candidate and isinstance(translations.get(candidate), dict):
            text = translations[candidate].get(field)
            if text:
                return str(text)
    return original


def translated_name(name_translations: dict[str, Any] | None, original: str, language: str | None) -> str:
    """The same rule for one-field maps such as a category's ``{"ru": "Электроника"}``."""
    name_translations = name_translations or {}
    for candidate in (language, FALLBACK_LANGUAGE):
        if candidate and name_translations.get(candidate):
            return str(name_translations[candidate])
    return original
