"""Text normalization and stable hashing shared by the travel lookups."""

import hashlib
import re
import unicodedata

# Punctuation inside names that people type or leave out at will ("Saint-Denis", "St. Louis").
_SEPARATORS = str.maketrans({sep: " " for sep in "-_.'\u2019`"})
# Combining diacritical marks (the accents NFKD splits off Latin, Greek and Cyrillic letters).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of `text`, for matching names.

    "  São-Paulo " and "sao paulo" fold to the same key.
    """
    if not text.isascii():  # the slow path only where accents can be
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.translate(_SEPARATORS).casefold().split())


def stable_hash(*parts: str) -> int:
    """A 64-bit hash of `parts` that is the same in every process and Python version.

    Python's hash() is salted per process, so it cannot seed deterministic output.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")
