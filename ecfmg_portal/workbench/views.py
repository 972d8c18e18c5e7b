"""The home page of work, the charts and the staff second-factor page (admin views, thin).

The site (``ecfmg_portal.admin_site.PortalAdminSite``) routes here; every view
is wrapped by ``admin_view``, so it needs a verified staff session.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ecfmg_portal.errors import DomainError
from ecfmg_portal.security import mfa

from . import charts as chart_geometry
from .registry import Queue, people_search, queue_rows, queues_for, turnaround_since

# Tables for running the system, not for daily work: shown under "Administration" only.
ADMIN_ONLY_APPS = frozenset({"axes", "otp_static", "otp_totp", "outbox", "audit", "auth", "workbench"})
CHART_MONTHS = 12
WEEKS_SHOWN = 12
CHARTS_CACHE_SECONDS = 15 * 60


def is_administrator(user: Any) -> bool:
    """Superusers and the administrator group (the only group that reads the audit trail)."""
    return bool(user.is_superuser or user.has_perm("audit.view_auditentry"))


def home(site: Any, request: HttpRequest) -> HttpResponse:
    app_list = site.get_app_list(request)
    administrator = is_administrator(request.user)
    search = people_search()
    context = {
        **site.each_context(request),
        "title": "Your work",
        "rows": queue_rows(request.user),
        "tables": [app for app in app_list if app["app_label"] not in ADMIN_ONLY_APPS],
        "administration": [app for app in app_list if app["app_label"] in ADMIN_ONLY_APPS]
        if administrator
        else [],
        "is_administrator": administrator,
        "search_url": reverse(search[0]) if search and request.user.has_perm(search[1]) else "",
        "app_list": app_list,
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/workbench/home.html", context)


def charts(site: Any, request: HttpRequest) -> HttpResponse:
    queues = queues_for(request.user)
    if not queues:
        # The charts are the workbench's figures: staff who work no queue see none of them.
        raise PermissionDenied
    context = {
        **site.each_context(request),
        "title": "Turnaround and weekly flow",
        "charts": charts_drawn(queues),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/workbench/charts.html", context)


def charts_drawn(queues: list[Queue]) -> SafeString:
    """The charts and their tables, drawn at most once per ``CHARTS_CACHE_SECONDS`` for
    the same queues on the same day.

    Drawing them is most of the page (the SVG's hundreds of shapes and the counts
    behind them, docs/benchmarks.md); they count weeks and months, so figures up to a
    quarter of an hour old say the same. Nothing invalidates them: the key names the day, so a
    new week starts on time, and the time limit bounds how late a decision shows.
    """
    today = timezone.localdate()
    key = f"workbench:charts:{today.isoformat()}:{get_language()}:{','.join(q.key for q in queues)}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = render_to_string("admin/workbench/_charts.html", _charts_context(queues, today))
        cache.set(key, str(drawn), CHARTS_CACHE_SECONDS)
    # Stored as the string Django's template escaping produced.
    return mark_safe(drawn)


def _charts_context(queues: list[Queue], today: datetime.date) -> dict[str, Any]:
    since = timezone.now() - datetime.timedelta(days=round(CHART_MONTHS * 30.44))
    points = turnaround_since(since)
    weeks = chart_geometry.weeks_since(today - datetime.timedelta(weeks=WEEKS_SHOWN - 1), today)
    week_start = datetime.datetime.combine(weeks[0], datetime.time.min, tzinfo=datetime.UTC)
    flows = []
    for queue in queues:
        if queue.weekly is None:
            continue
        received, decided = queue.weekly(week_start)
        weekly = chart_geometry.weekly_flows(received, decided, weeks)
        flows.append({"queue": queue, "weeks": weekly, "chart": chart_geometry.weekly_chart(weekly)})
    return {
        "turnaround": points,
        "turnaround_chart": chart_geometry.turnaround_chart(points),
        "months": CHART_MONTHS,
        "flows": flows,
    }


def _may_reset(user: Any) -> bool:
    return bool(
        user.has_perm("otp_totp.delete_totpdevice") and user.has_perm("otp_static.delete_staticdevice")
    )


def mfa_staff(site: Any, request: HttpRequest) -> HttpResponse:
    """Every staff member's second factor: what kind, when last used; never the secret."""
    if not _may_reset(request.user):
        raise PermissionDenied
    context = {
        **site.each_context(request),
        "title": "Second factors of staff",
        "staff": mfa.staff_second_factors(),
    }
    request.current_app = site.name
    return TemplateResponse(request, "security/mfa_staff.html", context)


def mfa_reset(site: Any, request: HttpRequest, user_id: int) -> HttpResponse:
    """Confirm, then remove every device of a colleague (audited): they enrol again
    at their next sign-in. The administrator never sees a secret or a code."""
    if not _may_reset(request.user):
        raise PermissionDenied
    colleague = get_object_or_404(get_user_model(), pk=user_id, is_staff=True)
    if request.method == "POST":
        try:
            removed = mfa.mfa_reset(user=colleague, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{colleague}: {removed} device{'' if removed == 1 else 's'} removed. "
                "They set up a new authenticator at their next sign-in.",
            )
        return HttpResponseRedirect(reverse(f"{site.name}:mfa_staff"))
    context = {
        **site.each_context(request),
        "title": f"Reset the second factor of {colleague}",
        "colleague": colleague,
    }
    request.current_app = site.name
    return TemplateResponse(request, "security/mfa_reset.html", context)
