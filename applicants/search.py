"""Staff search for people: accent-, case- and punctuation-insensitive.

"nunez" finds "Núñez", "el sayed" finds "El-Sayed". Names are searched in
``Applicant.search_key`` (the folded "given names last name", kept by
``Applicant.save``), which a trigram index serves on PostgreSQL (migration
``0008``) and a plain LIKE on SQLite. An e-mail address, a USMLE ID or a
certificate number is an exact match on its own unique index.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from applicants.services.identity import fold_name

MAX_TERM = 200
_CERTIFICATE_NUMBER = re.compile(r"^\d{1,2}-\d{3}-\d{3}-\d$")


def search_fold(text: str) -> str:
    """Folded words separated by one space: "García-López, Ana" -> "garcia lopez ana"."""
    folded = fold_name(text or "")
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def search_key(*, given_names: str, last_name: str) -> str:
    return search_fold(f"{given_names} {last_name}")


def applicants_matching(queryset: QuerySet, term: str) -> QuerySet:
    """The applicants of ``queryset`` that ``term`` names (an index lookup for each shape)."""
    term = (term or "").strip()[:MAX_TERM]
    if not term:
        return queryset
    if len(term) == 8 and term.isascii() and term.isdigit():
        return queryset.filter(usmle_id=term)
    if _CERTIFICATE_NUMBER.match(term):
        return queryset.filter(certificate__number=term)
    if "@" in term:
        return queryset.filter(user__email=term.lower())
    folded = search_fold(term)
    if not folded:
        return queryset.none()
    return queryset.filter(Q(search_key__contains=folded))
