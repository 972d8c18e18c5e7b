from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.services.identity import usmle_id_is_valid
from applicants.tests.portal_helpers import logged_in, make_applicant, make_new_applicant
from credentials.models import School
from credentials.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _form(school: School, **overrides: Any) -> dict[str, Any]:
    data = {
        "given_names": "María José",
        "last_name": "Núñez-O'Brien",
        "date_of_birth": "1996-03-14",
        "country": "MX",
        "school": school.pk,
        "graduation_date": (timezone.localdate() - datetime.timedelta(days=400)).isoformat(),
        "academic_years": "6",
        "transfer_school": "",
        "transfer_years": "0",
    }
    data.update(overrides)
    return data


def _confirm(client: Client) -> None:
    """The "check your answers" page, then its confirmation: the only way to the ID."""
    page = client.get(reverse("identity_check"))
    assert page.status_code == 200
    confirmed = client.post(reverse("identity_check"), {"answers": page.context["digest"]})
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("dashboard")


def test_a_confirmed_applicant_receives_an_id_and_names_are_kept_as_typed(client: Client) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory(name="Universidad Nacional")
    response = logged_in(client, applicant).post(reverse("identity"), _form(school))
    assert response.status_code == 302 and response["Location"] == reverse("identity_check")
    _confirm(client)
    applicant.refresh_from_db()
    assert applicant.usmle_id and usmle_id_is_valid(applicant.usmle_id)
    assert (applicant.given_names, applicant.last_name) == ("María José", "Núñez-O'Brien")
    assert applicant.last_name_folded == "nunez obrien"
    page = client.get(reverse("dashboard")).content.decode()
    assert applicant.usmle_id in page  # shown in the header everywhere


def test_an_unconfirmed_applicant_saves_details_but_gets_no_id(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    school = SchoolFactory()
    response = logged_in(client, applicant).post(reverse("identity"), _form(school), follow=True)
    applicant.refresh_from_db()
    assert applicant.usmle_id is None and applicant.last_name
    body = response.content.decode()
    assert "Confirm your e-mail address" in body
    assert 'data-testid="confirm-identity"' not in body  # nothing to confirm yet


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"date_of_birth": "2020-01-01"}, "date_of_birth", "between 16 and 100"),
        ({"date_of_birth": "1900-01-01"}, "date_of_birth", "between 16 and 100"),
        ({"academic_years": "11"}, "academic_years", "cannot be more than 10 years"),
        ({"academic_years": "0"}, "academic_years", "at least half a year"),
        ({"transfer_years": "2"}, "transfer_school", "choose the school you transferred from"),
        ({"given_names": "Ma<script>"}, "given_names", "letters (of any alphabet), spaces"),
        ({"last_name": "   "}, "last_name", "This field is required"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"graduation_date": "2090-01-01"}, "graduation_date", "more than 8 years"),
        ({"graduation_date": "2000-01-01"}, "graduation_date", "too close to your date of birth"),
    ],
)
def test_it_refuses_implausible_details_next_to_the_field(
    client: Client, overrides: dict[str, str], field: str, words: str
) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory()
    response = logged_in(client, applicant).post(reverse("identity"), _form(school, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert words in " ".join(form.errors[field])
    applicant.refresh_from_db()
    assert applicant.usmle_id is None


def test_transfer_credit_from_another_school_is_saved(client: Client) -> None:
    applicant = make_new_applicant()
    school, other = SchoolFactory(), SchoolFactory()
    year = timezone.localdate().year - 3
    data = _form(
        school,
        academic_years="3.5",
        transfer_school=other.pk,
        transfer_years="1.5",
        transfer_credit_first_year=str(year - 1),
        transfer_credit_last_year=str(year),
    )
    logged_in(client, applicant).post(reverse("identity"), data)
    applicant.refresh_from_db()
    assert (applicant.transfer_school_id, applicant.transfer_years) == (other.pk, Decimal("1.5"))
    # R-ED-2: the years the transfer credit was earned, to check the school was listed then.
    assert (applicant.transfer_credit_first_year, applicant.transfer_credit_last_year) == (year - 1, year)
    assert applicant.academic_years == Decimal("3.5")


def test_school_search_returns_a_small_fragment_of_options(client: Client) -> None:
    applicant = make_new_applicant()
    SchoolFactory(name="Cairo University Faculty of Medicine", city="Cairo", country="EG")
    SchoolFactory(name="Faculty of Medicine of Lagos", city="Lagos", country="NG")
    response = logged_in(client, applicant).get(reverse("school_search"), {"q": "cairo medicine"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cairo University" in body and "Lagos" not in body
    assert "<html" not in body


def test_school_search_without_javascript_fills_the_select(client: Client) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory(name="Tbilisi State Medical University")
    response = logged_in(client, applicant).get(reverse("identity"), {"school_q": "tbilisi"})
    assert f'value="{school.pk}"' in response.content.decode()


def test_identity_page_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    applicant = make_applicant()
    logged_in(client, applicant)
    # session, user, applicant (joined with its schools, as the journey loads it), its
    # correction requests
    with django_assert_num_queries(4):
        assert client.get(reverse("identity")).status_code == 200


def test_school_search_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    applicant = make_new_applicant()
    for _ in range(40):
        SchoolFactory(city="Manila")
    logged_in(client, applicant)
    with django_assert_num_queries(4):  # session, user, applicant, schools (at most 30)
        response = client.get(reverse("school_search"), {"q": "manila"})
    assert response.content.decode().count("<option") == 31  # the prompt and 30 schools
