"""Vietnamese text helpers: Unicode normalisation and diacritics-insensitive search keys."""

import re
import unicodedata

from django.db.models import Q

_SPACES = re.compile(r"\s+")
# Old-style tone placement ("hoà") and new-style ("hòa") both fold to the same key
# because every combining mark is removed; đ/Đ is a letter, not a mark, so map it.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def normalize(text: str) -> str:
    """Return `text` in Unicode NFC with runs of white space collapsed and trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Return a lower-case key without diacritics: "Châu Đốc" -> "chau doc"."""
    decomposed = unicodedata.normalize("NFD", normalize(text).translate(_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def search_q(field: str, text: str) -> Q | None:
    """A filter matching rows whose folded `field` contains every word of `text`.

    "tro giup chau doc" matches "Trung tâm Trợ giúp pháp lý Châu Đốc": words may be
    apart and in any order. Returns None when `text` has no words.
    """
    words = fold(text).split()
    if not words:
        return None
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition
