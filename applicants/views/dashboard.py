"""The applicant's dashboard: what is done, what is missing, what to do next.

Everything it shows comes from the journey (``applicants.selectors.applicant_journey``);
the view decides nothing. Five queries: session, user, applicant, the journey's file
(one statement) and who checked the status.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from applicants.models import Applicant
from applicants.selectors import applicant_journey, status_checks_for_applicant

from .common import applicant_required


@applicant_required
def dashboard(request: HttpRequest, applicant: Applicant) -> HttpResponse:
    journey = applicant_journey(applicant)
    context = {
        "applicant": applicant,
        "journey": journey,
        "assessment": journey.assessment,
        "certificate": journey.certificate,
        "timeline": journey.timeline,
        # Who asked about this applicant's status (R-VE-1), by organization.
        "status_checks": status_checks_for_applicant(applicant),
    }
    return render(request, "applicants/dashboard.html", context)
