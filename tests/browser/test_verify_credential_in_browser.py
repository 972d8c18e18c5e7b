"""R-VE-4 in Chromium: anyone drops a real certificate PDF on the public checker and
reads "Valid"; after the certificate is revoked, the same page says "Revoked", with the date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage

from applicants.services.staff import CERTIFICATE_OFFICER, staff_groups_sync
from applicants.tests.factories import UserFactory
from certificates.services import certificate_issue_if_eligible, certificate_revoke
from certificates.tests.factories import applicant_with
from ecfmg_portal.formatting import format_day

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _drop(page: Any, site: Site, pdf: Path) -> str:
    page.goto(site.at("/credentials/verify/"))
    page.set_input_files("input[type=file]", str(pdf))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("[data-testid=verdict]")
    return page.inner_text("[data-testid=verdict-headline]")


def test_a_real_certificate_pdf_reads_valid_then_revoked(page: Any, site: Site, tmp_path: Path) -> None:
    applicant = applicant_with(given_names="María José", last_name="Núñez-García")
    certificate = certificate_issue_if_eligible(applicant_id=applicant.pk)  # eager: rendered and signed
    assert certificate is not None
    certificate.refresh_from_db()
    pdf = tmp_path / "ECFMG-certificate.pdf"
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        pdf.write_bytes(handle.read())

    headline = _drop(page, site, pdf)
    assert headline.startswith("Valid")
    assert certificate.number in page.inner_text("[data-testid=verified-claims]")
    assert "PDF signature" in page.inner_text("[data-testid=checks]")
    Site.screenshot(page, "verify-valid")

    staff_groups_sync()
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get(name=CERTIFICATE_OFFICER))
    certificate_revoke(certificate=certificate, reason="Irregular behavior finding", actor=officer)
    certificate.refresh_from_db()
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        (tmp_path / "revoked.pdf").write_bytes(handle.read())

    headline = _drop(page, site, tmp_path / "revoked.pdf")
    assert headline.startswith("Revoked")
    assert format_day(certificate.revoked_on) in headline
    Site.screenshot(page, "verify-revoked")
