"""The charts page draws its charts once per quarter of an hour and shows the right numbers.

Nothing invalidates the drawing (docs/benchmarks.md, "Pages and the staff workbench"):
a document received after it shows once the time limit has passed, or on the next day.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from ecfmg_portal.workbench import views
from tests.admin.workbench_data import Round

pytestmark = pytest.mark.django_db

CHARTS = reverse("admin:workbench_charts")
ADMINISTRATOR = "administrator@ecfmg.test"


@pytest.fixture(autouse=True)
def _no_drawing_kept() -> None:
    cache.clear()


def diplomas_received_this_week(html: str) -> int:
    """The "received" cell of this week's row in the diplomas' weekly table."""
    section = html.split('id="flow-diplomas"', 1)[1].split('class="chart-block"', 1)[0]
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    week = f"{monday.day} {monday:%b %Y}"
    found = re.search(rf'<th scope="row">{week}</th><td>(\d+)</td>', section)
    assert found, section
    return int(found.group(1))


def charts_of(html: str) -> str:
    return html.split('<div id="content-main">', 1)[1].split("</main>", 1)[0]


def received_diplomas_this_week() -> int:
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=datetime.UTC)
    return Document.objects.filter(kind=Document.Kind.DIPLOMA, created_at__gte=start).count()


def test_the_second_view_reuses_the_drawing_without_a_chart_query(work: Round, staff_client) -> None:
    client = staff_client(ADMINISTRATOR)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(CHARTS).content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(CHARTS).content.decode()
    assert charts_of(first) == charts_of(second)
    assert diplomas_received_this_week(first) == received_diplomas_this_week() > 0
    chart_tables = (
        "credentials_document",
        "credentials_schoolverificationrequest",
        "exams_unmatchedresult",
        "applicants_identitychangerequest",
    )
    drawn = [q["sql"] for q in first_queries.captured_queries if any(t in q["sql"] for t in chart_tables)]
    assert drawn, "the first view counts the weeks"
    assert not [q for q in second_queries.captured_queries if any(t in q["sql"] for t in chart_tables)]
    # What is left is the session, the user, the device and the permissions.
    assert len(second_queries) <= len(first_queries) - len(drawn)


def test_a_new_document_shows_once_the_time_limit_has_passed(work: Round, staff_client) -> None:
    client = staff_client(ADMINISTRATOR)
    before = diplomas_received_this_week(client.get(CHARTS).content.decode())
    DocumentFactory(kind=Document.Kind.DIPLOMA)
    assert diplomas_received_this_week(client.get(CHARTS).content.decode()) == before

    later = timezone.now() + datetime.timedelta(seconds=views.CHARTS_CACHE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        # The new document counts where its week is still shown (a later day may be a new week).
        assert (
            diplomas_received_this_week(client.get(CHARTS).content.decode()) == received_diplomas_this_week()
        )


def test_staff_with_other_queues_get_their_own_drawing(work: Round, staff_client) -> None:
    administrator = staff_client(ADMINISTRATOR).get(CHARTS).content.decode()
    reviewer = staff_client("reviewer@ecfmg.test").get(CHARTS).content.decode()
    assert administrator.count('<svg class="chart"') > reviewer.count('<svg class="chart"') >= 2
