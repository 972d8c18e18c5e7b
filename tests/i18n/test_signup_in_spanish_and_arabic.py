"""Signing up in Spanish and in Arabic, end to end in Chromium (issue 16).

The browser asks for the language (Accept-Language); every page answers in it, Arabic
right to left; the confirmation e-mail comes in it; the identity form is completed and
the USMLE/ECFMG ID issued; the exams page then speaks it too. Screenshots (SCREENSHOTS=1):
docs/screenshots/dashboard-es.png, dashboard-ar-375.png, exams-es.png and exams-ar-375.png.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from applicants.models import Applicant, User
from credentials.tests.factories import SchoolFactory
from tests.browser.conftest import Site
from tests.support.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "cedar-lantern-orbit-58"

CASES = {
    "es": {
        "width": 1280,
        "screenshot": "dashboard-es",
        "exams": "Solicitudes de examen USMLE",
        "subject": "Confirme su dirección de correo electrónico",
        "body": "Abra este enlace para confirmar la dirección (es válido durante 3 días):",
        "login": "Iniciar sesión",
        "found": "1 facultad encontrada: elija la suya en la lista de abajo.",
        "dir": "ltr",
    },
    "ar": {
        "width": 375,
        "screenshot": "dashboard-ar-375",
        "exams": "طلبات امتحانات USMLE",
        "subject": "أكّد عنوان بريدك الإلكتروني",
        "body": "افتح هذا الرابط لتأكيد العنوان (صالح لمدة 3 أيام):",
        "login": "تسجيل الدخول",
        "found": "عُثر على كلية واحدة: اخترها من القائمة أدناه.",
        "dir": "rtl",
    },
}


def _speaks(tab: Any, language: str, direction: str) -> None:
    assert tab.evaluate("document.documentElement.lang") == language
    assert tab.evaluate("document.documentElement.dir") == direction


@pytest.mark.parametrize("language", sorted(CASES))
def test_sign_up_confirm_and_get_an_id_in_the_browsers_language(browser, site: Site, language):
    case = CASES[language]
    school = SchoolFactory(
        name="Universidad de Buenos Aires, Facultad de Medicina", city="Buenos Aires", country="AR"
    )
    email = f"lucia.{language}@example.com"
    context = browser.new_context(viewport={"width": case["width"], "height": 900}, locale=language)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        # 1. Sign up: the first visit follows the browser's language.
        tab.goto(site.at("/signup/"))
        _speaks(tab, language, case["dir"])
        tab.locator("#id_email").fill(email)
        tab.locator("#id_password1").fill(PASSWORD)
        tab.locator("#id_password2").fill(PASSWORD)
        tab.locator("form.card button[type=submit]").click()
        tab.wait_for_load_state()
        assert User.objects.get(email=email).language == language

        # 2. The confirmation e-mail is in that language.
        [message] = [m for m in mail.outbox if m.to == [email]]
        assert message.subject == case["subject"]
        assert case["body"] in message.body
        tab.goto(site.at(site.link_path(str(message.body), "/account/confirm/")))
        if "/login/" in tab.url:
            _speaks(tab, language, case["dir"])
            assert case["login"] in tab.inner_text("h1")
            tab.locator("#id_username").fill(email)
            tab.locator("#id_password").fill(PASSWORD)
            tab.locator("form.card button[type=submit]").click()
        tab.wait_for_url(re.compile(r"/dashboard/$"))
        assert User.objects.get(email=email).email_confirmed_at is not None

        # 3. The identity form, then the check page, then the ID.
        tab.goto(site.at("/identity/"))
        _speaks(tab, language, case["dir"])
        tab.locator("#id_given_names").fill("Lucía")
        tab.locator("#id_last_name").fill("Fernández")
        tab.locator("#id_date_of_birth").fill("1995-04-12")
        tab.locator("#id_country").select_option("AR")
        tab.locator("#id_school_q").fill("buenos")
        tab.wait_for_selector(f"#id_school option[value='{school.pk}']", state="attached")
        # The count comes with the results, in the language's own plural form.
        assert tab.inner_text("#id_school_q_status") == case["found"]
        tab.locator("#id_school").select_option(str(school.pk))
        graduated = timezone.localdate() - datetime.timedelta(days=400)
        tab.locator("#id_graduation_date").fill(graduated.isoformat())
        tab.locator("#id_academic_years").fill("6")
        tab.locator("[data-testid=identity-form] button.button:not([form])").click()
        tab.wait_for_url(re.compile(r"/identity/check/$"))
        _speaks(tab, language, case["dir"])
        tab.locator("[data-testid=confirm-identity] button[type=submit]").click()
        tab.wait_for_url(re.compile(r"/dashboard/$"))
        applicant = Applicant.objects.get(user__email=email)
        assert applicant.usmle_id and applicant.usmle_id in tab.inner_text("[data-testid=usmle-id]")
        # Names in Latin script stay as typed, isolated inside Arabic text.
        assert applicant.given_names == "Lucía" and applicant.last_name == "Fernández"
        _speaks(tab, language, case["dir"])
        assert tab.evaluate("document.documentElement.scrollWidth") <= case["width"]
        assert_accessible(tab, label=f"dashboard in {language}")
        site.screenshot(tab, case["screenshot"])

        # 4. The exams page: its own words and the journey's, in the same language.
        tab.goto(site.at("/exams/"))
        _speaks(tab, language, case["dir"])
        assert tab.inner_text("h1") == case["exams"]
        assert "USMLE" in tab.inner_text("[data-testid=attempts-rule]")
        assert tab.evaluate("document.documentElement.scrollWidth") <= case["width"]
        assert_accessible(tab, label=f"exams in {language}")
        site.screenshot(tab, case["screenshot"].replace("dashboard", "exams"))
    finally:
        context.close()
    assert errors == [], errors
