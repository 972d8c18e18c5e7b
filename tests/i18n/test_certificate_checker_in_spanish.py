"""The public certificate checker in Chromium, for a reader whose browser asks for
Spanish: the verdict and every check are in Spanish, axe-clean (issue 16, R-VE-4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from certificates.services import certificate_issue_if_eligible
from certificates.tests.factories import applicant_with
from tests.browser.conftest import Site
from tests.support.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_spanish_reader_checks_a_certificate_in_spanish(browser: Any, site: Site, tmp_path: Path) -> None:
    applicant = applicant_with(given_names="Lucía", last_name="Fernández")
    certificate = certificate_issue_if_eligible(applicant_id=applicant.pk)
    assert certificate is not None
    certificate.refresh_from_db()
    pdf = tmp_path / "certificado.pdf"
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        pdf.write_bytes(handle.read())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es")
    try:
        tab = context.new_page()
        tab.goto(site.at("/credentials/verify/"))
        assert tab.evaluate("document.documentElement.lang") == "es"
        tab.set_input_files("input[type=file]", str(pdf))
        tab.get_by_role("button", name="Comprobar el archivo").click()
        tab.wait_for_selector("[data-testid=verdict]")
        assert tab.inner_text("[data-testid=verdict-headline]").startswith(
            "Válido: es un Standard ECFMG Certificate"
        )
        checks = tab.inner_text("[data-testid=checks]")
        assert "Firma del PDF: Firmado por" in checks and "Signed" not in checks
        assert certificate.number in tab.inner_text("[data-testid=verified-claims]")
        assert_accessible(tab, label="certificate checker in Spanish")
        Site.screenshot(tab, "verify-credential-es")
    finally:
        context.close()
