"""``manage.py import_schools``: the contract in api.md."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from credentials.models import School
from credentials.services.directory import RowError, parse_graduation_years

HEADER = "imed_id,name,country,city,eligible_graduation_years,verification_email\n"


def run(tmp_path: Path, body: str, *, bom: bool = False) -> tuple[int, str, str]:
    path = tmp_path / "schools.csv"
    path.write_bytes((("\ufeff" if bom else "") + HEADER + body).encode("utf-8"))
    out, err = StringIO(), StringIO()
    try:
        call_command("import_schools", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_creates_schools_with_their_ranges(tmp_path: Path) -> None:
    code, out, _ = run(
        tmp_path,
        "F0000580,Grant Medical College,IN,Mumbai,1965-1998;2003-current,registrar@gmc.example\n"
        'F0000123,"Universidad de Buenos Aires, Facultad de Medicina",AR,Buenos Aires,1990,\n',
    )
    assert code == 0
    assert "created 2, updated 0, rejected 0" in out
    school = School.objects.get(imed_id="F0000580")
    assert [(r.start_year, r.end_year) for r in school.eligibility_ranges.all()] == [
        (1965, 1998),
        (2003, None),
    ]
    assert school.lists_graduation_year(2026) and not school.lists_graduation_year(2000)
    assert School.objects.get(imed_id="F0000123").lists_graduation_year(1990)


@pytest.mark.django_db
def test_reimport_updates_by_imed_id(tmp_path: Path) -> None:
    run(tmp_path, "F0000580,Old Name,IN,Mumbai,1965-1998,\n")
    code, out, _ = run(tmp_path, "F0000580,Grant Medical College,IN,Mumbai,2003-current,new@gmc.example\n")
    assert code == 0 and "created 0, updated 1, rejected 0" in out
    school = School.objects.get(imed_id="F0000580")
    assert school.name == "Grant Medical College"
    assert [(r.start_year, r.end_year) for r in school.eligibility_ranges.all()] == [(2003, None)]


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_numbers_and_do_not_stop_the_others(tmp_path: Path) -> None:
    code, out, err = run(
        tmp_path,
        "F0000001,Good School,EG,Cairo,1980-current,\n"  # line 2
        "F0000002,Bad Range,EG,Cairo,1998-1990,\n"  # line 3: ends before it starts
        "F0000003,Bad Country,ZZ,Nowhere,1990,\n"  # line 4: unknown country
        "F0000001,Duplicate,EG,Cairo,1990,\n"  # line 5: duplicate id
        "F0000004,Bad Word,EG,Cairo,1990-later,\n"  # line 6
        "F0000005,Empty Range,EG,Cairo,,\n",  # line 7: empty = listed, not eligible
    )
    assert code == 1
    assert "created 2, updated 0, rejected 4" in out
    assert "line 3: eligible_graduation_years" in err
    assert "line 4: country" in err
    assert "line 5: imed_id: F0000001 already appears on line 2" in err
    assert "line 6: eligible_graduation_years" in err
    assert School.objects.get(imed_id="F0000001").name == "Good School"
    assert not School.objects.get(imed_id="F0000005").eligibility_ranges.exists()


@pytest.mark.django_db
def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "F0000580,Grant Medical College,IN,Mumbai,1965-1998,\n", bom=True)
    assert code == 0 and "created 1" in out


@pytest.mark.django_db
def test_missing_columns_reject_the_file(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("imed_id,name\nF0000580,Grant\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_schools", str(path), stdout=StringIO(), stderr=err)
    assert "missing column(s) country" in err.getvalue()
    assert not School.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_schools", str(tmp_path / "nope.csv"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("1990", [(1990, 1990)]),
        ("1965-1998;2003-current", [(1965, 1998), (2003, None)]),
        (" 2003-current ; 1965-1998 ", [(1965, 1998), (2003, None)]),
    ],
)
def test_graduation_year_ranges_parse(text: str, expected: list[tuple[int, int | None]]) -> None:
    assert parse_graduation_years(text) == expected


@pytest.mark.parametrize(
    "text", ["1990-", "19a0", "1998-1990", "1990-current;2000-2005", "0990", "1990;;2000"]
)
def test_malformed_graduation_year_ranges_are_refused(text: str) -> None:
    with pytest.raises(RowError):
        parse_graduation_years(text)
