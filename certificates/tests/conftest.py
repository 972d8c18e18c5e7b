from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from applicants.services.staff import CERTIFICATE_OFFICER, staff_groups_sync
from applicants.tests.factories import UserFactory
from certificates.services import certificate_issue_if_eligible
from certificates.tests.factories import applicant_with

FAKE_PDF = b"%PDF-1.7\n% fake certificate for tests that do not look at the PDF\n%%EOF\n"


@pytest.fixture
def fake_pdf(monkeypatch):
    """Skip WeasyPrint where the PDF itself is not under test; count the renderings."""
    rendered = []

    def render(content):
        rendered.append(content)
        return FAKE_PDF

    monkeypatch.setattr("certificates.services.render_certificate_pdf_bytes", render)
    # The fake is no PDF pyHanko could sign: tests of signing use the real renderer.
    monkeypatch.setattr("certificates.services.certificate_pdf_sign", lambda pdf, credential: pdf)
    return rendered


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """Issue a real certificate: rendered, credential signed, PDF signed (eager tasks)."""

    def issue_one(**applicant_fields):
        applicant = applicant_with(**applicant_fields)
        with django_capture_on_commit_callbacks(execute=True):
            certificate = certificate_issue_if_eligible(applicant_id=applicant.pk)
        assert certificate is not None
        certificate.refresh_from_db()
        return certificate

    return issue_one


@pytest.fixture
def certificate(issue):
    return issue(given_names="María José", last_name="Núñez-García")


@pytest.fixture
def officer():
    """A member of the certificate officers' group (issue, reprint, revoke)."""
    staff_groups_sync()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=CERTIFICATE_OFFICER))
    return user
