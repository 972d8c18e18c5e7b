"""The directory CSV's optional ``language`` column (api.md): BCP 47, validated (issue 16)."""

from __future__ import annotations

import io

import pytest

from credentials.models import School
from credentials.services.directory import schools_import_csv

pytestmark = pytest.mark.django_db
HEADER = "imed_id,name,country,city,eligible_graduation_years,verification_email,language\n"


def _import(rows: str, header: str = HEADER):
    return schools_import_csv(stream=io.StringIO(header + rows))


def test_a_bcp47_tag_becomes_the_schools_language():
    report = _import(
        "F0000001,Universidad de Buenos Aires,AR,Buenos Aires,1990-current,registro@uba.example,es-AR\n"
        "F0000002,Peking University Health Science Center,CN,Beijing,1990-current,,zh-Hans\n"
        "F0000003,Universidade de São Paulo,BR,São Paulo,1990-current,,pt-BR\n"
        "F0000004,Cairo University,EG,Cairo,1990-current,,\n"
    )
    assert (report.created, report.rejected) == (4, 0)
    languages = dict(School.objects.values_list("imed_id", "language"))
    assert languages == {"F0000001": "es", "F0000002": "zh-hans", "F0000003": "pt", "F0000004": "en"}


@pytest.mark.parametrize(
    ("tag", "why"),
    [
        ("spanish", "not a BCP 47"),
        ("es_AR", "not a BCP 47"),
        ("x" * 50, "not a BCP 47"),
        ("de", "not one the portal"),
    ],
)
def test_a_bad_or_unsupported_tag_rejects_the_row_with_its_line(tag, why):
    report = _import(f"F0000001,Universität Wien,AT,Wien,1990-current,,{tag}\n")
    assert report.rejected == 1 and report.created == 0
    [(line, message)] = report.errors
    assert line == 2 and why in message
    assert not School.objects.exists()


def test_an_empty_cell_or_no_column_keeps_the_stored_language():
    _import("F0000001,Universidad de Chile,CL,Santiago,1990-current,,es\n")
    _import("F0000001,Universidad de Chile,CL,Santiago,1990-current,,\n")
    assert School.objects.get().language == "es"
    schools_import_csv(
        stream=io.StringIO(
            "imed_id,name,country,city,eligible_graduation_years,verification_email\n"
            "F0000001,Universidad de Chile,CL,Santiago,1990-current,\n"
        )
    )
    assert School.objects.get().language == "es"
