"""The exams clerk's queue on the staff home page (``ecfmg_portal.workbench``): results
the feed or an import sent that match no sitting (R-EX-8), waiting to be matched or dismissed."""

from __future__ import annotations

from django.db.models import Q

from ecfmg_portal.workbench.registry import Queue, queue_register, weekly_counts
from exams.models import UnmatchedResult

UNMATCHED_RESULTS = queue_register(
    Queue(
        key="unmatched_results",
        title="Exam results that match no application",
        noun="result",
        noun_plural="results",
        permission="exams.change_unmatchedresult",
        model=UnmatchedResult,
        condition=lambda: Q(status=UnmatchedResult.Status.OPEN),
        oldest_field="received_at",
        order=55,
        # The unmatched-results list already opens oldest first; its status filter shows the open ones.
        list_query=f"status__exact={UnmatchedResult.Status.OPEN.value}",
        weekly=lambda since: (
            weekly_counts(UnmatchedResult.objects.all(), "received_at", since),
            weekly_counts(
                UnmatchedResult.objects.exclude(status=UnmatchedResult.Status.OPEN), "resolved_at", since
            ),
        ),
        description="Match each to the applicant's sitting, or dismiss it with a note.",
    )
)
