"""A school reads its e-mails and its answer page in its own language, English beside (issue 16)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from applicants.tests.factories import ApplicantFactory
from credentials.models import SchoolVerificationRequest
from credentials.services.school_verification import school_verification_request
from credentials.services.verification_emails import link_token
from credentials.tests.school_support import LINK_RE, diploma_for, pdf_bytes, staff_user, translation_for
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.django_db


def _request_to(language: str) -> SchoolVerificationRequest:
    applicant = ApplicantFactory(given_names="Lucía", last_name="Fernández")
    diploma = diploma_for(applicant)
    translation_for(applicant)
    school = applicant.school
    school.language = language
    school.save(update_fields=["language"])
    return school_verification_request(document=diploma, actor=staff_user())


def _mail_to(address: str) -> Any:
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_the_request_e_mail_is_in_the_schools_language_first_then_in_english(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        verification = _request_to("es")
    message = _mail_to(verification.contact_email)
    assert message.subject == (
        "Solicitud de verificación de diploma de ECFMG: Lucía Fernández"
        " / ECFMG diploma verification request: Lucía Fernández"
    )
    spanish, english = message.body.split("-- English --")
    assert "La Educational Commission for Foreign Medical Graduates (ECFMG) le solicita" in spanish
    assert "asks you to confirm that your school issued the final medical diploma" in english
    # The one link, in both halves, and nothing else changed by the translation.
    assert LINK_RE.search(spanish).group(1) == LINK_RE.search(english).group(1)


def test_an_english_speaking_school_gets_one_english_e_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification = _request_to("en")
    message = _mail_to(verification.contact_email)
    assert message.subject == "ECFMG diploma verification request: Lucía Fernández"
    assert "-- English --" not in message.body


def test_the_applicants_copy_follows_the_applicants_language_not_the_schools(
    django_capture_on_commit_callbacks,
):
    applicant = ApplicantFactory()
    applicant.user.language = "fr"
    applicant.user.save(update_fields=["language"])
    diploma = diploma_for(applicant)
    applicant.school.language = "es"
    applicant.school.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        school_verification_request(document=diploma, actor=staff_user())
    to_applicant = _mail_to(applicant.user.email)
    assert to_applicant.subject == "Vérification de vos titres par l'ECFMG : du nouveau"


def test_the_answer_page_speaks_the_schools_language_with_english_beside(client):
    verification = _request_to("es")
    response = client.get(
        reverse("school:respond", args=[link_token(verification)]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es" dir="ltr">' in html
    assert re.search(
        r'Solicitud de verificación de diploma de ECFMG <span class="english-beside" lang="en" dir="ltr">'
        r"Diploma verification request from ECFMG</span>",
        html,
    )
    # Form labels and choices too, each in both languages.
    assert "¿Es auténtico este diploma?" in html and "Is this diploma authentic?" in html
    assert "Auténtico: la facultad expidió este diploma" in html
    # The applicant's name is shown once, isolated from the surrounding direction.
    assert html.count("<bdi>Lucía Fernández</bdi>") == 1


def test_an_arabic_school_gets_a_right_to_left_page(client):
    verification = _request_to("ar")
    html = client.get(reverse("school:respond", args=[link_token(verification)])).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'lang="en" dir="ltr">Diploma verification request from ECFMG</span>' in html


def test_an_official_who_chose_another_language_gets_it(client):
    verification = _request_to("es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("school:respond", args=[link_token(verification)])).content.decode()
    assert '<html lang="fr"' in html
    assert "Demande de vérification de diplôme de l'ECFMG" in html


def test_the_thanks_page_keeps_the_schools_language_and_refuses_nonsense(client):
    assert '<html lang="pt"' in client.get(reverse("school:thanks") + "?language=pt").content.decode()
    for nonsense in ("xx", "../../etc", "e" * 500):
        response = client.get(reverse("school:thanks"), {"language": nonsense})
        assert response.status_code == 200
        assert '<html lang="en"' in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_school_in_buenos_aires_answers_in_spanish_in_chromium(page, site, tmp_path):
    verification = _request_to("es")
    page.goto(site.at(reverse("school:respond", args=[link_token(verification)])))
    assert page.evaluate("document.documentElement.lang") == "es"
    assert_accessible(page, label="school answer page in Spanish")
    site.screenshot(page, "school-answer-es")
    page.get_by_label(re.compile("Auténtico: la facultad expidió este diploma")).check()
    page.get_by_label(re.compile("Su nombre completo")).fill("Dra. Marta Giménez")
    page.get_by_label(re.compile("Su cargo")).fill("Secretaria Académica")
    transcript = tmp_path / "analitico.pdf"
    transcript.write_bytes(pdf_bytes())
    page.get_by_label(re.compile("Certificado analítico final")).set_input_files(str(transcript))
    page.get_by_role("button", name=re.compile("Enviar la respuesta a ECFMG")).click()
    page.wait_for_url(f"**{reverse('school:thanks')}?language=es")
    assert "Gracias: ECFMG ha recibido su respuesta" in page.inner_text("h1")
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ANSWERED
