"""Changelists over tables that reach hundreds of thousands of rows.

Measured at 100k applicants (docs/benchmarks.md): what made staff list pages slow
was sorting whole tables on unindexed columns, ``date_hierarchy`` (a DISTINCT
over every row on each page), a USMLE ID search OR-ed with ``icontains`` on
names, which no index serves, an exact COUNT(*) of the whole table for the page
links, and rendering 100 rows. ``LargeTableAdmin`` removes all five.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Below this many rows an exact COUNT(*) is cheap enough to keep.
ESTIMATE_ABOVE = 50_000


def looks_like_usmle_id(term: str) -> bool:
    """Eight digits: searched as an exact ID (an index lookup), whatever its check digit."""
    return len(term) == 8 and term.isascii() and term.isdigit()


def plural(count: int, singular: str, many: str) -> str:
    """ "1 diploma", "2 diplomas": admin messages name what they counted."""
    return f"{count:,} {singular if count == 1 else many}"


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered PostgreSQL table from the planner's statistics.

    ``COUNT(*)`` reads every row (30-40 ms at 300k ledger entries); the page
    links need only the order of magnitude. Filtered lists are counted exactly.
    """

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet) and not rows.query.where:
            connection = connections[rows.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [rows.model._meta.db_table],
                    )
                    found = cursor.fetchone()
                if found and found[0] > ESTIMATE_ABOVE:
                    return int(found[0])
        return int(super().count)


# A primary key no row has, reversed in its place: every converter (int, path) takes it.
_PK_SLOT = 987_654_321_987_654_321


@lru_cache(maxsize=512)
def _around_pk(viewname: str, current_app: str | None, prefix: str, urlconf: Any) -> tuple[str, str] | None:
    url = reverse(viewname, urlconf=urlconf, args=[_PK_SLOT], current_app=current_app)
    before, slot, after = url.partition(str(_PK_SLOT))
    return (before, after) if slot and str(_PK_SLOT) not in after else None


def url_with_pk(viewname: str, pk: Any, current_app: str | None = None) -> str:
    """``reverse(viewname, args=[pk])`` for a list's rows: the URL reversed once (per
    prefix and URL conf), the row's integer key put in its place. A reverse costs about
    as much as the rest of a list cell."""
    around = None
    if isinstance(pk, int):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        around = _around_pk(viewname, current_app, get_script_prefix(), urlconf)
    if around is None:
        return reverse(viewname, args=[pk], current_app=current_app)
    return f"{around[0]}{pk}{around[1]}"


class LargeTableChangeList(ChangeList):
    """Django's changelist, with each row's link built once for the whole page.

    Django reverses every row's change URL, then (``add_preserved_filters``) resolves it
    against the whole URL conf to add the list's filters to it: a reverse and a resolve
    per row whenever the list is filtered or searched, as the review queues always are.
    A change link is never the list's own URL, so the query it gets is the same on every
    row: it is worked out once here, from Django's own function.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._row_link_filters: dict[str, Any] = {
            "preserved_filters": self.preserved_filters,
            "opts": self.opts,
        }
        self._change_view = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        self._row_link_query: str | None = None
        # Read only by the row links (items_for_result), which now carry the filters.
        self.preserved_filters = ""

    def url_for_result(self, result: Model) -> str:
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):
            return str(add_preserved_filters(self._row_link_filters, super().url_for_result(result)))
        url = url_with_pk(self._change_view, pk, self.model_admin.admin_site.name)
        if self._row_link_query is None:  # the first row: Django's own answer, kept
            self._row_link_query = str(add_preserved_filters(self._row_link_filters, url))[len(url) :]
        return url + self._row_link_query


class LargeTableAdmin(admin.ModelAdmin[Any]):
    """Newest first by primary key (an index), no full COUNT, exact ID search.

    ``usmle_id_lookup`` names the path to the applicant's USMLE ID; a search for
    a valid ID then uses that index alone instead of scanning every name.
    """

    ordering = ("-pk",)
    paginator = EstimatedCountPaginator
    # Rendering a changelist row costs 1-2 ms on the bench machine, most of a list's time:
    # 25 rows keep a page under 50 ms (docs/benchmarks.md). The filters, the search and the
    # queues' oldest-first order are what bring staff to their row, not a longer page.
    list_per_page = 25
    show_full_result_count = False
    date_hierarchy = None
    usmle_id_lookup: str | None = None

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return LargeTableChangeList

    def action_checkbox(self, obj: Model) -> SafeString:
        """Django's row checkbox, same HTML, written directly: Django renders it through a
        form widget and its template, about half of the time of each row."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Model], search_term: str
    ) -> tuple[QuerySet[Model], bool]:
        term = search_term.strip()
        if self.usmle_id_lookup and looks_like_usmle_id(term):
            return queryset.filter(**{self.usmle_id_lookup: term}), False
        return super().get_search_results(request, queryset, search_term)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows written only by services (audit entries, outbox, sent e-mails): staff look,
    nobody adds, edits or deletes by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
