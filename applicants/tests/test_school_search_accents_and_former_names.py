"""Issue 12, item 6: the school search is accent- and case-insensitive over the name,
former names, city, country (code and name) and IMED id; bad queries are a 400 or
nothing, never a 500; query and results are bounded. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from applicants.tests.portal_helpers import logged_in, make_new_applicant
from credentials.models import School
from credentials.school_search import MAX_QUERY_LENGTH, schools_matching
from credentials.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cairo() -> School:
    school = SchoolFactory(
        imed_id="F0000777",
        name="Cairo University Faculty of Medicine",
        city="Cairo",
        country="EG",
        former_names="Kasr Al Ainy Faculty of Medicine\nFouad I University Faculty of Medicine",
    )
    SchoolFactory(name="Universidade de São Paulo", city="São Paulo", country="BR")
    SchoolFactory(name="Jagiellonian University Medical College", city="Kraków", country="PL")
    return school


@pytest.mark.parametrize(
    "query",
    [
        "Caïro",
        "cairo",
        "CAIRO",
        "Egypt",
        "egypt",
        "EG",
        "Kasr",
        "kasr al ainy",
        "KASR-AL-AINY",
        "Fouad",
        "f0000777",
    ],
)
def test_cairo_university_is_found_by_accent_case_country_and_former_name(cairo: School, query: str) -> None:
    assert list(schools_matching(query)) == [cairo]


@pytest.mark.parametrize(
    ("query", "city"), [("sao paulo", "São Paulo"), ("KRAKOW", "Kraków"), ("Poland", "Kraków")]
)
def test_accented_city_and_country_names_match_plain_letters(cairo: School, query: str, city: str) -> None:
    assert [s.city for s in schools_matching(query)] == [city]


def test_every_word_must_match_and_words_match_from_their_start(cairo: School) -> None:
    assert list(schools_matching("cairo medicine")) == [cairo]
    assert list(schools_matching("cairo lagos")) == []
    assert list(schools_matching("airo")) == []  # not inside a word: "airo" is not "Cairo"
    assert list(schools_matching("cai")) == [cairo]  # as you type


def test_wildcards_in_the_query_are_plain_text(cairo: School) -> None:
    assert list(schools_matching("%")) == [] and list(schools_matching("_")) == []


@pytest.mark.parametrize("query", ["cairo\x00", "\x00", "ca\x1firo", "cairo\x7f"])
def test_nul_or_control_characters_give_a_400_never_a_500(client: Client, cairo: School, query: str) -> None:
    logged_in(client, make_new_applicant())
    # Refused by the request filter for control characters in the address, or by the
    # search itself if one gets through: a 400 either way, and nothing searched.
    response = client.get(reverse("school_search"), {"q": query})
    assert response.status_code == 400
    # The page without JavaScript: the same 400, or the form with no results.
    page = client.get(reverse("identity"), {"school_q": query})
    assert page.status_code in (200, 400)


def test_the_search_refuses_control_characters_itself() -> None:
    from credentials.school_search import SchoolQueryInvalid, school_query_clean

    for query in ("cairo\x00", "ca\x1firo", "cairo\x7f", "\ud800"):
        with pytest.raises(SchoolQueryInvalid):
            school_query_clean(query)
    assert school_query_clean("  Kasr   Al  Ainy ") == "Kasr Al Ainy"


def test_a_very_long_query_is_cut_and_results_are_bounded(client: Client) -> None:
    for n in range(40):
        SchoolFactory(name=f"Manila Medical School {n}", city="Manila", country="PH")
    logged_in(client, make_new_applicant())
    response = client.get(reverse("school_search"), {"q": "manila " + "x" * 5000})
    assert response.status_code == 200
    assert response.content.decode().count("<option") == 1  # the long word matches nothing
    response = client.get(reverse("school_search"), {"q": "Philippines"})
    assert response.content.decode().count("<option") == 31  # the prompt and 30 schools
    assert len(schools_matching("a" * 10_000).query.__str__()) < 2_000 + MAX_QUERY_LENGTH


def test_the_search_column_follows_every_save(cairo: School) -> None:
    cairo.name = "Kasr Al Ainy School of Medicine"
    cairo.save(update_fields=["name"])
    assert list(schools_matching("school kasr")) == [cairo]


def test_the_importer_loads_former_names_and_keeps_them_when_the_column_is_absent(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text(
        "imed_id,name,country,city,eligible_graduation_years,verification_email,former_names\n"
        'F0000777,Cairo University Faculty of Medicine,EG,Cairo,1960-current,,"Kasr Al Ainy; Fouad I University"\n',
        encoding="utf-8",
    )
    call_command("import_schools", str(path), stdout=StringIO(), stderr=StringIO())
    school = School.objects.get(imed_id="F0000777")
    assert school.former_name_list == ["Kasr Al Ainy", "Fouad I University"]
    assert list(schools_matching("fouad")) == [school]

    path.write_text(
        "imed_id,name,country,city,eligible_graduation_years,verification_email\n"
        "F0000777,Cairo University Faculty of Medicine,EG,Giza,1960-current,\n",
        encoding="utf-8",
    )
    call_command("import_schools", str(path), stdout=StringIO(), stderr=StringIO())
    school.refresh_from_db()
    assert school.city == "Giza" and school.former_name_list == ["Kasr Al Ainy", "Fouad I University"]
    assert list(schools_matching("kasr giza")) == [school]


def test_a_search_is_one_query_whatever_the_directory_size(client: Client, django_assert_num_queries) -> None:
    for _ in range(40):
        SchoolFactory(city="Cairo", country="EG")
    logged_in(client, make_new_applicant())
    with django_assert_num_queries(4):  # session, user, applicant, schools (at most 30)
        assert client.get(reverse("school_search"), {"q": "Égypt"}).status_code == 200
