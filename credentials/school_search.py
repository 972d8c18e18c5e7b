"""Searching the school directory as an applicant types: accent- and case-free,
over the name, former names, city, country (code and English name) and IMED id.

Every word of the query must begin a word of ``School.search_text`` (kept folded by
``School.save``), so "Caïro", "cairo", "Egypt" and "Kasr" all find Kasr Al Ainy
Faculty of Medicine, Cairo University, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import unicodedata

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ecfmg_portal.errors import DomainError
from ecfmg_portal.folding import search_words

from .models import School

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 5
SCHOOL_RESULTS_LIMIT = 30


class SchoolQueryInvalid(DomainError):
    """A query holding control characters (a NUL byte cannot even reach PostgreSQL)."""


def school_query_clean(raw: str) -> str:
    """The query as typed, trimmed and at most ``MAX_QUERY_LENGTH`` characters.
    Raises ``SchoolQueryInvalid`` for control or unassigned characters."""
    if any(unicodedata.category(char) in ("Cc", "Cs", "Cn") for char in raw):
        raise SchoolQueryInvalid(
            "school_query_invalid", _("Type letters and numbers only: the name, city or IMED id.")
        )
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


def schools_matching(query: str, *, limit: int = SCHOOL_RESULTS_LIMIT) -> QuerySet[School]:
    """Schools where every word of ``query`` (the first five) begins a word of the
    school's folded search text; alphabetical, at most ``limit`` (one query)."""
    words = search_words(school_query_clean(query))[:MAX_QUERY_WORDS]
    schools = School.objects.all()
    if not words:
        return schools.none()
    for word in words:
        schools = schools.filter(search_text__contains=f" {word}")
    return schools.order_by("name", "pk")[: max(1, min(limit, SCHOOL_RESULTS_LIMIT))]
