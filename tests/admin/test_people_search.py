"""Search that finds people: accents, case and punctuation do not matter; an e-mail, a
USMLE ID and a certificate number find their one applicant."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applicants.models import Applicant
from applicants.search import applicants_matching, search_fold
from applicants.tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def _found(term: str) -> list[str]:
    return sorted(a.last_name for a in applicants_matching(Applicant.objects.all(), term))


def test_search_fold_drops_accents_case_and_punctuation():
    assert search_fold("María  NÚÑEZ") == "maria nunez"
    assert search_fold("Omar El-Sayed") == "omar el sayed"
    assert search_fold("O'Brien, Seán") == "obrien sean"


def test_nunez_finds_nunez_with_accents(work):
    assert _found("nunez") == ["Núñez"]
    assert _found("NÚÑEZ") == ["Núñez"]
    assert _found("maria nunez") == ["Núñez"]


def test_el_sayed_finds_el_hyphen_sayed(work):
    assert _found("el sayed") == ["El-Sayed"]
    assert _found("El-Sayed") == ["El-Sayed"]
    assert _found("elsayed") == []  # words stay words


def test_email_usmle_id_and_certificate_number_find_their_applicant(work):
    applicant = work.diploma.applicant
    assert _found(applicant.user.email.upper()) == ["Núñez"]
    assert _found(applicant.usmle_id) == ["Núñez"]
    assert _found(work.certificate.number) == ["García-López"]


def test_the_search_key_follows_a_name_change():
    applicant = ApplicantFactory(given_names="Ana", last_name="Gómez")
    applicant.last_name = "Ibáñez"
    applicant.save(update_fields=["last_name"])
    applicant.refresh_from_db()
    assert applicant.search_key == "ana ibanez"


def test_staff_search_in_the_applicant_list(staff_client, work):
    response = staff_client("reviewer@ecfmg.test").get(
        reverse("admin:applicants_applicant_changelist"), {"q": "nunez"}
    )
    assert response.status_code == 200
    assert [a.last_name for a in response.context["cl"].result_list] == ["Núñez"]
