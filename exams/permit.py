"""The scheduling permit as a PDF (issue 12): the Step, the eligibility period, the
scheduling number and what to do next. Rendered by WeasyPrint from our own template
with every resource fetch refused, so no value printed on it can make the renderer
read a file or the network."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .models import ExamApplication


class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError("The scheduling permit loads no resources.")


def permit_context(application: ExamApplication) -> dict[str, Any]:
    """What the page and the PDF print: the same facts, in the same words."""
    return {
        "application": application,
        "applicant": application.applicant,
        "exam_label": application.get_exam_display(),
        "fee": f"${application.fee.amount:,.2f}",
    }


def permit_pdf_bytes(application: ExamApplication) -> bytes:
    html = render_to_string("exams/permit_pdf.html", permit_context(application))
    return bytes(HTML(string=html, base_url="/", url_fetcher=_NoFetching()).write_pdf())
