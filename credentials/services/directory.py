"""Loading the school directory (IMED) from the CSV described in api.md."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django_countries import countries

from credentials.models import EligibilityRange, School
from ecfmg_portal.i18n import supported_language

COLUMNS = ("imed_id", "name", "country", "city", "eligible_graduation_years", "verification_email")
IMED_ID = re.compile(r"^[A-Z][0-9]{7}$")
RANGE = re.compile(r"^(\d{4})(?:-(\d{4}|current))?$")
FIRST_YEAR = 1800
# Optional column: names the school had before, separated by ";" (at most 20, each as long as a name).
FORMER_NAMES_COLUMN = "former_names"
# Optional (api.md): the BCP 47 tag of the school's e-mails and answer page (docs/i18n.md).
LANGUAGE_COLUMN = "language"
BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
MAX_FORMER_NAMES = 20
LAST_YEAR = 2100


class RowError(ValueError):
    """A row that cannot be loaded; the message says why, for the operator."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def parse_graduation_years(value: str) -> list[tuple[int, int | None]]:
    """``"1965-1998;2003-current"`` -> ``[(1965, 1998), (2003, None)]``; empty -> not eligible."""
    ranges: list[tuple[int, int | None]] = []
    text = value.strip()
    if not text:
        return ranges
    for part in text.split(";"):
        match = RANGE.match(part.strip())
        if not match:
            raise RowError(
                f"eligible_graduation_years: '{part.strip()}' is not YYYY, YYYY-YYYY or YYYY-current"
            )
        start = int(match.group(1))
        end_text = match.group(2)
        end: int | None
        if end_text is None:
            end = start
        elif end_text == "current":
            end = None
        else:
            end = int(end_text)
        if not FIRST_YEAR <= start <= LAST_YEAR or (end is not None and not FIRST_YEAR <= end <= LAST_YEAR):
            raise RowError(f"eligible_graduation_years: '{part.strip()}' has a year out of range")
        if end is not None and end < start:
            raise RowError(f"eligible_graduation_years: '{part.strip()}' ends before it starts")
        ranges.append((start, end))
    ranges.sort(key=lambda r: r[0])
    for (_, prev_end), (next_start, _) in itertools.pairwise(ranges):
        if prev_end is None or prev_end >= next_start:
            raise RowError("eligible_graduation_years: ranges overlap")
    return ranges


@dataclass(frozen=True)
class SchoolRow:
    imed_id: str
    name: str
    country: str
    city: str
    ranges: list[tuple[int, int | None]]
    verification_email: str
    # None when the file has no ``former_names`` column: the stored ones are kept.
    former_names: list[str] | None = None
    # None when the file has no ``language`` column or the cell is empty: the stored one is kept.
    language: str | None = None


def parse_former_names(value: str) -> list[str]:
    """``"Kasr El Aini; Faculty of Medicine, Fouad I University"`` -> two names."""
    names = list(dict.fromkeys(" ".join(part.split()) for part in value.split(";") if part.strip()))
    if len(names) > MAX_FORMER_NAMES:
        raise RowError(f"former_names: at most {MAX_FORMER_NAMES} names")
    if any(len(name) > 300 for name in names):
        raise RowError("former_names: each name at most 300 characters")
    return names


def parse_language(value: str) -> str | None:
    """A BCP 47 tag (``es``, ``es-AR``, ``zh-Hans``, ``pt-BR``) -> the portal's language
    for it (``es``, ``zh-hans``, ``pt``); empty -> None. A malformed tag, or a language
    the portal does not speak, rejects the row with the languages it does."""
    tag = value.strip()
    if not tag:
        return None
    if len(tag) > 35 or not BCP47.match(tag):
        raise RowError(f"language: '{tag[:40]}' is not a BCP 47 language tag such as es or pt-BR")
    code = supported_language(tag)
    if code is None:
        spoken = ", ".join(code for code, _ in settings.LANGUAGES)
        raise RowError(f"language: '{tag}' is not one the portal writes in ({spoken})")
    return code


def parse_row(row: dict[str, str | None]) -> SchoolRow:
    if None in row:
        raise RowError("more columns than the header")
    values = {key: (row.get(key) or "").strip() for key in COLUMNS}
    imed_id = values["imed_id"].upper()
    if not IMED_ID.match(imed_id):
        raise RowError(f"imed_id: '{values['imed_id']}' is not a directory id such as F0000580")
    if not values["name"] or len(values["name"]) > 300:
        raise RowError("name: required, at most 300 characters")
    country = values["country"].upper()
    if len(country) != 2 or not countries.name(country):
        raise RowError(f"country: '{values['country']}' is not an ISO 3166-1 alpha-2 code")
    if len(values["city"]) > 200:
        raise RowError("city: at most 200 characters")
    email = values["verification_email"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError(f"verification_email: '{email}' is not an e-mail address") from None
    return SchoolRow(
        imed_id=imed_id,
        name=values["name"],
        country=country,
        city=values["city"],
        ranges=parse_graduation_years(values["eligible_graduation_years"]),
        verification_email=email.lower(),
        former_names=(
            parse_former_names(row.get(FORMER_NAMES_COLUMN) or "") if FORMER_NAMES_COLUMN in row else None
        ),
        language=parse_language(row.get(LANGUAGE_COLUMN) or ""),
    )


def schools_import_csv(*, stream: Iterable[str] | io.TextIOBase) -> ImportReport:
    """Create or update schools by ``imed_id``. A bad row is reported with its line
    number and skipped; the good rows are loaded. A duplicate id within the file
    is rejected (the first occurrence wins), so the result never depends on order."""
    report = ImportReport()
    reader = csv.DictReader(stream)
    header = [h.strip().lstrip("\ufeff") for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        report.rejected += 1
        report.errors.append((1, "header: missing column(s) " + ", ".join(missing)))
        return report
    reader.fieldnames = header
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        try:
            parsed = parse_row(row)
            if parsed.imed_id in seen:
                raise RowError(f"imed_id: {parsed.imed_id} already appears on line {seen[parsed.imed_id]}")
            seen[parsed.imed_id] = line
        except RowError as exc:
            report.rejected += 1
            report.errors.append((line, str(exc)))
            continue
        created = _upsert(parsed)
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report


@transaction.atomic
def _upsert(row: SchoolRow) -> bool:
    defaults = {
        "name": row.name,
        "country": row.country,
        "city": row.city,
        "verification_email": row.verification_email,
    }
    if row.former_names is not None:
        defaults["former_names"] = "\n".join(row.former_names)
    if row.language is not None:
        defaults["language"] = row.language
    # update_or_create saves through School.save, which refreshes the folded search column.
    school, created = School.objects.update_or_create(imed_id=row.imed_id, defaults=defaults)
    school.eligibility_ranges.all().delete()
    EligibilityRange.objects.bulk_create(
        EligibilityRange(school=school, start_year=start, end_year=end) for start, end in row.ranges
    )
    return created
