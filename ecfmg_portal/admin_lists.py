"""Changelists over tables that reach hundreds of thousands of rows.

Measured at 100k applicants (docs/benchmarks.md): what made staff list pages slow
was sorting whole tables on unindexed columns, ``date_hierarchy`` (a DISTINCT
over every row on each page), and a USMLE ID search OR-ed with ``icontains`` on
names, which no index serves. ``LargeTableAdmin`` removes all three.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from applicants.services.identity import usmle_id_is_valid


class LargeTableAdmin(admin.ModelAdmin[Any]):
    """Newest first by primary key (an index), no full COUNT, exact ID search.

    ``usmle_id_lookup`` names the path to the applicant's USMLE ID; a search for
    a valid ID then uses that index alone instead of scanning every name.
    """

    ordering = ("-pk",)
    show_full_result_count = False
    date_hierarchy = None
    usmle_id_lookup: str | None = None

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Model], search_term: str
    ) -> tuple[QuerySet[Model], bool]:
        term = search_term.strip()
        if self.usmle_id_lookup and usmle_id_is_valid(term):
            return queryset.filter(**{self.usmle_id_lookup: term}), False
        return super().get_search_results(request, queryset, search_term)
