"""Issue 12, item 6: the identity form keeps every value on error (the chosen school
too), shows every problem at once, linked to its field, and issues the ID only after
the applicant has checked the answers and confirmed them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import Applicant
from applicants.tests.portal_helpers import logged_in, make_applicant, make_new_applicant
from credentials.models import School
from credentials.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _form(school: School, **overrides: Any) -> dict[str, Any]:
    data = {
        "given_names": "Aïcha",
        "last_name": "El-Sayed",
        "date_of_birth": "1995-07-02",
        "country": "EG",
        "school": school.pk,
        "graduation_date": (timezone.localdate() - datetime.timedelta(days=400)).isoformat(),
        "academic_years": "6",
        "transfer_school": "",
        "transfer_years": "0",
    }
    data.update(overrides)
    return data


def test_on_an_error_every_value_and_the_chosen_school_are_kept(client: Client) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory(name="Kasr Al Ainy Faculty of Medicine", city="Cairo", country="EG")
    transfer = SchoolFactory(name="Alexandria Faculty of Medicine", city="Alexandria", country="EG")
    data = _form(school, last_name="El-Sayed 🙂", transfer_school=transfer.pk, transfer_years="1.5")

    response = logged_in(client, applicant).post(reverse("identity"), data)

    assert response.status_code == 200
    html = response.content.decode()
    # No new search needed: both chosen schools are options, selected.
    assert f'<option value="{school.pk}" selected>Kasr Al Ainy Faculty of Medicine' in html
    assert f'<option value="{transfer.pk}" selected>Alexandria Faculty of Medicine' in html
    assert 'value="Aïcha"' in html and 'value="1995-07-02"' in html and 'value="1.5"' in html
    assert 'value="El-Sayed 🙂"' in html  # shown back as typed, to be corrected
    applicant.refresh_from_db()
    assert applicant.last_name == "" and applicant.usmle_id is None


def test_every_problem_is_shown_at_once_in_a_summary_linking_to_its_field(client: Client) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory()
    data = _form(
        school,
        given_names="😀",
        date_of_birth="2022-01-01",
        academic_years="0",
        transfer_years="2",
        graduation_date="not a date",
    )

    response = logged_in(client, applicant).post(reverse("identity"), data)

    form = response.context["form"]
    assert set(form.errors) == {
        "given_names",
        "date_of_birth",
        "academic_years",
        "transfer_school",
        # R-ED-2: transfer credit needs the years in which it was earned.
        "transfer_credit_first_year",
        "transfer_credit_last_year",
        "graduation_date",
    }
    html = response.content.decode()
    assert 'class="error-summary"' in html
    for field in form.errors:
        assert f'href="#id_{field}"' in html  # the summary links to each field
        assert f'id="id_{field}_error"' in html  # the message next to it...
    # ...and the field points at its help and its message.
    assert 'aria-describedby="id_academic_years_helptext id_academic_years_error"' in html
    assert 'aria-invalid="true"' in html


def test_sending_the_form_saves_but_does_not_issue_the_id_until_confirmed(client: Client) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory(name="Universidad de Chile", city="Santiago", country="CL")

    response = logged_in(client, applicant).post(reverse("identity"), _form(school))

    assert response["Location"] == reverse("identity_check")
    applicant.refresh_from_db()
    assert applicant.usmle_id is None and applicant.last_name == "El-Sayed"
    page = client.get(reverse("identity_check"))
    html = page.content.decode()
    for shown in ("Aïcha", "El-Sayed", "2 July 1995", "Egypt", "Universidad de Chile", "6 years"):
        assert shown in html
    assert f'href="{reverse("identity")}#id_last_name"' in html  # a "Change" link per answer
    applicant.refresh_from_db()
    assert applicant.usmle_id is None  # looking is not confirming


def test_a_change_link_leads_back_to_the_form_with_the_saved_values(client: Client) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory(name="Universidad de Chile")
    logged_in(client, applicant).post(reverse("identity"), _form(school))

    html = client.get(reverse("identity")).content.decode()

    assert 'value="El-Sayed"' in html and f'<option value="{school.pk}" selected>' in html
    assert "Continue: check my answers" in html


def test_confirming_the_checked_answers_issues_the_id_and_locks_the_identity(client: Client) -> None:
    applicant = make_new_applicant()
    logged_in(client, applicant).post(reverse("identity"), _form(SchoolFactory()))
    digest = client.get(reverse("identity_check")).context["digest"]

    response = client.post(reverse("identity_check"), {"answers": digest}, follow=True)

    applicant.refresh_from_db()
    assert applicant.usmle_id
    assert f"Your USMLE/ECFMG Identification Number is {applicant.usmle_id}" in response.content.decode()
    form = client.get(reverse("identity")).context["form"]
    assert form.fields["last_name"].disabled  # locked from now on
    assert client.get(reverse("identity_check"))["Location"] == reverse("identity")


def test_answers_changed_in_another_tab_must_be_checked_again(client: Client) -> None:
    applicant = make_new_applicant()
    school = SchoolFactory()
    logged_in(client, applicant).post(reverse("identity"), _form(school))
    digest = client.get(reverse("identity_check")).context["digest"]
    client.post(reverse("identity"), _form(school, last_name="Elsayed"))  # the other tab

    response = client.post(reverse("identity_check"), {"answers": digest}, follow=True)

    applicant.refresh_from_db()
    assert applicant.usmle_id is None
    assert "Your details changed since you checked them" in response.content.decode()


def test_an_unconfirmed_address_cannot_confirm_the_answers(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    logged_in(client, applicant).post(reverse("identity"), _form(SchoolFactory()))
    page = client.get(reverse("identity_check"))
    assert 'data-testid="confirm-email-first"' in page.content.decode()

    client.post(reverse("identity_check"), {"answers": page.context["digest"]})

    applicant.refresh_from_db()
    assert applicant.usmle_id is None


def test_the_check_page_sends_incomplete_details_back_to_the_form(client: Client) -> None:
    applicant = make_new_applicant()
    response = logged_in(client, applicant).get(reverse("identity_check"))
    assert response["Location"] == reverse("identity")
    client.post(reverse("identity_check"), {"answers": "x"})
    assert Applicant.objects.get(pk=applicant.pk).usmle_id is None


def test_with_an_id_the_form_saves_the_years_without_a_check_page(client: Client) -> None:
    applicant = make_applicant(academic_years=5)
    data = _form(applicant.school, academic_years="5.5")
    data.update(given_names=applicant.given_names, last_name=applicant.last_name)
    response = logged_in(client, applicant).post(reverse("identity"), data)
    assert response["Location"] == reverse("dashboard")
    applicant.refresh_from_db()
    assert str(applicant.academic_years) == "5.5"


def test_the_date_hints_match_the_date_picker(client: Client) -> None:
    applicant = make_new_applicant()
    html = logged_in(client, applicant).get(reverse("identity")).content.decode()
    assert 'type="date" name="date_of_birth"' in html
    assert "DD/MM/YYYY" not in html and "YYYY-MM-DD" not in html
    assert "Use the calendar, or type the day, month and year." in html


def test_the_check_page_of_another_applicant_is_never_shown(client: Client) -> None:
    owner = make_new_applicant()
    logged_in(client, owner).post(reverse("identity"), _form(SchoolFactory(name="Owner School")))
    digest = client.get(reverse("identity_check")).context["digest"]
    other = make_new_applicant()

    page = logged_in(client, other).get(reverse("identity_check"))
    client.post(reverse("identity_check"), {"answers": digest})

    assert page["Location"] == reverse("identity")  # the other's own (empty) details
    owner.refresh_from_db()
    other.refresh_from_db()
    assert owner.usmle_id is None and other.usmle_id is None
