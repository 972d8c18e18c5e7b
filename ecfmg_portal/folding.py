"""Case- and accent-free text, for matching and searching only (never for display).

On the ground floor: the applicants' name matching and the school directory's search
both fold the same way, so "Caïro", "CAIRO" and "cairo" are one word to both.
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter plus an accent, spelled
# as a person typing on an English keyboard would (Turkish dotless i -> "i", "Øberg" -> "oberg").
_LATIN_LETTERS = str.maketrans(
    {
        "\u0131": "i",  # dotless i
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "Ð": "d",
    }
)


def fold_text(text: str) -> str:
    """``"Caïro, ÉGYPTE"`` -> ``"cairo, egypte"``: compatibility-decomposed, accents
    dropped, case-folded. Punctuation and spacing are left as they are."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_words(text: str) -> list[str]:
    """The folded words of ``text``, split on anything that is not a letter or digit
    (``"Kasr-Al-Ainy, Cairo"`` -> ``["kasr", "al", "ainy", "cairo"]``)."""
    folded = fold_text(text)
    cleaned = "".join(c if c.isalnum() else " " for c in folded)
    return cleaned.split()
