"""A few useful phrases in common languages, with a romanization for non-Latin scripts.

Shipped table (data/phrases.json); a destination whose languages are not in it gets English.
"""

from dataclasses import dataclass
from functools import cache

from services.travel.data_files import load

# Tags geonames uses for a language under another name.
_ALIASES = {"cmn": "zh", "nb": "no", "nn": "no", "fil": "tl", "iw": "he", "sr": "hr", "bs": "hr"}
# Countries whose first listed language is English although another serves travellers better.
_PREFERRED = {"IN": "hi"}


_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "it": "Italian",
    "de": "German", "nl": "Dutch", "el": "Greek", "ja": "Japanese", "zh": "Chinese",
    "ko": "Korean", "th": "Thai", "vi": "Vietnamese", "id": "Indonesian", "ms": "Malay",
    "tl": "Filipino", "tr": "Turkish", "ar": "Arabic", "he": "Hebrew", "hi": "Hindi",
    "ru": "Russian", "pl": "Polish", "cs": "Czech", "hr": "Croatian", "hu": "Hungarian",
    "ro": "Romanian", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
    "is": "Icelandic", "sw": "Swahili",
}  # fmt: skip


@dataclass(frozen=True)
class Phrase:
    """A phrase in English and in a local language."""

    english: str
    local: str
    language: str  # BCP 47 tag, such as "pt-PT"


@cache
def _table() -> dict[str, tuple[str, ...]]:
    """Phrases by language, English first, each in the order of english()."""
    data = load("phrases")
    table = {"en": tuple(data["english"])}
    table.update({lang: tuple(texts) for lang, texts in data["languages"].items()})
    return table


def english() -> tuple[str, ...]:
    """The phrases, in English, in the order every language gives them."""
    return _table()["en"]


def _base(tag: str) -> str:
    base = tag.split("-")[0].lower()
    return _ALIASES.get(base, base)


def phrase_language(languages: tuple[str, ...], country_code: str = "") -> str:
    """The BCP 47 tag that phrases will be given in: the first listed language we have."""
    preferred = _PREFERRED.get(country_code)
    if preferred is not None:
        for tag in languages:
            if _base(tag) == preferred:
                return tag
    for tag in languages:
        if _base(tag) in _table():
            return tag
    return "en"


def phrases(languages: tuple[str, ...], country_code: str = "") -> list[Phrase]:
    """Useful phrases in the destination's language (English when we have none for it)."""
    tag = phrase_language(languages, country_code)
    local = _table()[_base(tag)]
    return [Phrase(source, text, tag) for source, text in zip(english(), local, strict=True)]


def language_name(tag: str) -> str | None:
    """The English name of a language ("Portuguese" for "pt-PT"), None when not in the table."""
    return _NAMES.get(_base(tag))


def has_phrases(language: str) -> bool:
    """Whether the shipped table covers a language (BCP 47 tag)."""
    return _base(language) in _table()
