"""The applicant's identity details and the requests to correct them (R-ID-1..3).

Before the USMLE/ECFMG ID is issued the applicant edits every field. Once it is
issued the fields in ``LOCKED_IDENTITY_FIELDS`` change only through an
``IdentityChangeRequest`` that staff approve; the years of credit stay editable.
The audit trail records which fields changed, never their values (personal data).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_lazy
from django_countries import countries

from applicants.models import Applicant, IdentityChangeRequest, User
from applicants.notifications.services import identity_change_decision_notify
from applicants.services.identity import (
    LOCKED_IDENTITY_FIELDS,
    applicant_issue_usmle_id,
    field_names,
    fold_name,
)
from credentials.models import School
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError
from ecfmg_portal.events import applicant_status_changed
from exams.models import ExamApplication
from exams.services import exam_application_create

IDENTITY_FIELDS = (
    "given_names",
    "last_name",
    "date_of_birth",
    "country",
    "school",
    "graduation_date",
    "academic_years",
    "transfer_school",
    "transfer_years",
    "transfer_credit_first_year",
    "transfer_credit_last_year",
)
MIN_AGE_YEARS = 16
MAX_AGE_YEARS = 100
MAX_YEARS_OF_CREDIT = Decimal("10")
HALF_YEAR = Decimal("0.5")
# A student may declare an expected graduation date at most this many years ahead.
MAX_YEARS_TO_GRADUATION = 8
DEFAULT_DECLINE_NOTE = (
    "ECFMG could not confirm the correction from your documents. Contact ECFMG support if you need help."
)
# Besides letters and combining marks of any script: the separators real names use.
_NAME_PUNCTUATION = frozenset(" -\u2010\u2011'\u2019\u02bc.")
# Zero-width (non-)joiners shape Persian and Indic names; they never stand alone.
_NAME_JOINERS = frozenset("\u200c\u200d")


class IdentityInvalid(DomainError):
    """Identity values that do not hold. ``problems`` maps each field at fault to its
    message, so a form shows every problem at once; ``field`` and ``message`` are the first."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        field, message = next(iter(problems.items()))
        super().__init__("identity_invalid", message, field=field)
        self.problems = dict(problems)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# Each refusal is a whole sentence per field, so a translation can agree with the field
# ("sus nombres" / "su apellido"); the English is word for word what it was.
_NAME_SENTENCES = {
    "given names": {
        "characters": gettext_lazy(
            "Your given names may contain letters (of any alphabet), spaces, hyphens, apostrophes "
            "and full stops only%(shown)s. Type it exactly as on your diploma."
        ),
        "first": gettext_lazy("Your given names must begin with a letter."),
        "control": gettext_lazy(
            "Your given names contains a control character: type it again, exactly as on your diploma."
        ),
        "empty": gettext_lazy("Enter your given names exactly as on your diploma."),
        "long": gettext_lazy("Your given names is too long (200 characters at most)."),
    },
    "last name": {
        "characters": gettext_lazy(
            "Your last name may contain letters (of any alphabet), spaces, hyphens, apostrophes "
            "and full stops only%(shown)s. Type it exactly as on your diploma."
        ),
        "first": gettext_lazy("Your last name must begin with a letter."),
        "control": gettext_lazy(
            "Your last name contains a control character: type it again, exactly as on your diploma."
        ),
        "empty": gettext_lazy("Enter your last name exactly as on your diploma."),
        "long": gettext_lazy("Your last name is too long (200 characters at most)."),
    },
}
_YEARS_SENTENCES = {
    "academic years at your degree school": {
        "number": gettext_lazy(
            "Enter the academic years at your degree school as a number of years, for example 4 or 4.5."
        ),
        "half": gettext_lazy(
            "Enter the academic years at your degree school to the half year, for example 4 or 4.5."
        ),
        "minimum": gettext_lazy(
            "Enter the academic years at your degree school: at least half a year. Count the years of the "
            "medical curriculum you completed there (a full year for each year passed)."
        ),
        "negative": gettext_lazy("The academic years at your degree school cannot be negative."),
        "most": gettext_lazy("The academic years at your degree school cannot be more than %(most)s years."),
    },
    "years of transfer credit": {
        "number": gettext_lazy(
            "Enter the years of transfer credit as a number of years, for example 4 or 4.5."
        ),
        "half": gettext_lazy("Enter the years of transfer credit to the half year, for example 4 or 4.5."),
        "minimum": gettext_lazy(
            "Enter the years of transfer credit: at least half a year. Count the years of the "
            "medical curriculum you completed there (a full year for each year passed)."
        ),
        "negative": gettext_lazy("The years of transfer credit cannot be negative."),
        "most": gettext_lazy("The years of transfer credit cannot be more than %(most)s years."),
    },
}


def _name_refusal(text: str, label: str) -> str | None:
    """Why ``text`` is not a name as printed on a diploma, or None. Letters of any
    script with their accents, spaces, hyphens, apostrophes and full stops are a name;
    emoji, digits, symbols and control characters are not."""
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LM" or char in _NAME_PUNCTUATION or char in _NAME_JOINERS:
            continue
        shown = f" (“{char}”)" if char.isprintable() and not char.isspace() else ""
        return str(_NAME_SENTENCES[label]["characters"]) % {"shown": shown}
    if unicodedata.category(text[0])[0] != "L":
        return str(_NAME_SENTENCES[label]["first"])
    return None


def _clean_name(value: Any, *, label: str) -> tuple[str, str | None]:
    raw = str(value or "")
    if any(unicodedata.category(c) == "Cc" for c in raw):
        # Checked before spaces are tidied: str.split() would turn some of them into spaces.
        return raw, str(_NAME_SENTENCES[label]["control"])
    # NFC: the same name typed with a precomposed "ñ" or "n" + combining tilde is one name.
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not text:
        return text, str(_NAME_SENTENCES[label]["empty"])
    if len(text) > 200:
        return text, str(_NAME_SENTENCES[label]["long"])
    return text, _name_refusal(text, label)


def _clean_years(value: Any, *, label: str, minimum: Decimal) -> tuple[Decimal, str | None]:
    """Years of credit to the half year (R-ED-2): 0.5, 1, 1.5 ... 10."""
    sentences = _YEARS_SENTENCES[label]
    try:
        years = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        return Decimal(0), str(sentences["number"])
    if not years.is_finite():
        return Decimal(0), str(sentences["number"])
    if years % HALF_YEAR != 0:
        return years, str(sentences["half"])
    if years < minimum:
        if minimum:
            return years, str(sentences["minimum"])
        return years, str(sentences["negative"])
    if years > MAX_YEARS_OF_CREDIT:
        return years, str(sentences["most"]) % {"most": MAX_YEARS_OF_CREDIT}
    return years.quantize(Decimal("0.1")), None


def identity_problems(
    *, values: Mapping[str, Any], today: datetime.date
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check identity values together: the cleaned values and, per field at fault,
    what is wrong with it (every problem, not only the first). ``values`` holds the
    fields of ``IDENTITY_FIELDS``; schools are ``School`` instances or None."""
    cleaned: dict[str, Any] = {}
    problems: dict[str, str] = {}

    def check(field: str, result: tuple[Any, str | None]) -> None:
        cleaned[field], problem = result
        if problem:
            problems[field] = problem

    check("given_names", _clean_name(values.get("given_names"), label="given names"))
    check("last_name", _clean_name(values.get("last_name"), label="last name"))
    born = values.get("date_of_birth")
    cleaned["date_of_birth"] = born
    if not isinstance(born, datetime.date):
        problems["date_of_birth"] = gettext("Enter your date of birth.")
        born = None
    elif born > _years_before(today, MIN_AGE_YEARS) or born < _years_before(today, MAX_AGE_YEARS):
        problems["date_of_birth"] = gettext(
            "Check your date of birth: you must be between %(least)s and %(most)s years old."
        ) % {"least": MIN_AGE_YEARS, "most": MAX_AGE_YEARS}
    country = str(values.get("country") or "").upper()
    cleaned["country"] = country
    if country not in dict(countries):
        problems["country"] = gettext("Choose your country of citizenship.")
    school = values.get("school")
    cleaned["school"] = school
    if not isinstance(school, School):
        problems["school"] = gettext("Search for your medical school and choose it from the list.")
        school = None
    graduated = values.get("graduation_date")
    cleaned["graduation_date"] = graduated
    if not isinstance(graduated, datetime.date):
        problems["graduation_date"] = gettext(
            "Enter your graduation date, or the date you expect to graduate."
        )
    elif born is not None and graduated < _years_before(born, -MIN_AGE_YEARS):
        problems["graduation_date"] = gettext(
            "Check your graduation date: it is too close to your date of birth."
        )
    elif graduated > _years_before(today, -MAX_YEARS_TO_GRADUATION):
        problems["graduation_date"] = gettext(
            "Check your graduation date: it is more than %(years)s years from today."
        ) % {"years": MAX_YEARS_TO_GRADUATION}
    check(
        "academic_years",
        _clean_years(
            values.get("academic_years"), label="academic years at your degree school", minimum=HALF_YEAR
        ),
    )
    transfer_school = values.get("transfer_school") or None
    cleaned["transfer_school"] = transfer_school
    check(
        "transfer_years",
        _clean_years(values.get("transfer_years"), label="years of transfer credit", minimum=Decimal(0)),
    )
    transfer_years = cleaned["transfer_years"]
    if "transfer_years" in problems:
        pass
    elif transfer_years and transfer_school is None:
        problems["transfer_school"] = gettext(
            "You declared transfer credit: choose the school you transferred from."
        )
    elif transfer_school is not None and not transfer_years:
        problems["transfer_years"] = gettext(
            "Enter the years of credit you transferred, or remove the transfer school."
        )
    if transfer_school is not None and school is not None and transfer_school.pk == school.pk:
        problems["transfer_school"] = gettext(
            "The transfer school must be another school than the one that granted your degree."
        )
    _check_transfer_credit_years(values, cleaned, problems)
    return cleaned, problems


def _check_transfer_credit_years(
    values: Mapping[str, Any], cleaned: dict[str, Any], problems: dict[str, str]
) -> None:
    """R-ED-2: the calendar years in which transfer credit was earned, needed to check that
    the transfer school was listed in IMED then; none without transfer credit."""
    first, last = values.get("transfer_credit_first_year"), values.get("transfer_credit_last_year")
    cleaned["transfer_credit_first_year"], cleaned["transfer_credit_last_year"] = None, None
    if not cleaned.get("transfer_years"):
        return
    graduated = cleaned.get("graduation_date")
    latest = graduated.year if isinstance(graduated, datetime.date) else None
    for field, value in (("transfer_credit_first_year", first), ("transfer_credit_last_year", last)):
        try:
            year = int(str(value))
        except ValueError:
            problems[field] = gettext(
                "Enter the years in which you earned the transfer credit, for example 2015 to 2017."
            )
            continue
        if year < 1900 or (latest is not None and year > latest):
            problems[field] = gettext(
                "The years of transfer credit must come before your graduation: check them."
            )
            continue
        cleaned[field] = year
    if (
        cleaned["transfer_credit_first_year"]
        and cleaned["transfer_credit_last_year"]
        and cleaned["transfer_credit_first_year"] > cleaned["transfer_credit_last_year"]
    ):
        problems["transfer_credit_last_year"] = gettext(
            "The last year of transfer credit comes before the first: check them."
        )


def identity_validate(*, values: Mapping[str, Any], today: datetime.date) -> dict[str, Any]:
    """The cleaned identity values; raises ``IdentityInvalid`` naming every field at fault."""
    cleaned, problems = identity_problems(values=values, today=today)
    if problems:
        raise IdentityInvalid(problems)
    return cleaned


def applicant_create_for_user(*, user: User) -> Applicant:
    """The applicant record of an account. Idempotent: a second call returns the first."""
    applicant, created = Applicant.objects.get_or_create(user=user)
    if created:
        audit_record(action="applicant.created", obj=applicant, actor=user)
    return applicant


def email_confirmation_refusal(*, user: User) -> str | None:
    """Unconfirmed accounts may look around but not get an ID nor apply."""
    if user.email_confirmed_at is None:
        return gettext(
            "Confirm your e-mail address first: open the link we sent you "
            "(you can ask for a new link on your account page)."
        )
    return None


def applicant_apply_for_exam(*, applicant: Applicant, exam: str, actor: Any = None) -> ExamApplication:
    """Apply for one Step once the e-mail address is confirmed; the exam rules
    (R-EX-6, R-ED-4) are enforced by ``exam_application_create``."""
    refusal = email_confirmation_refusal(user=applicant.user)
    if refusal:
        raise DomainError("email_unconfirmed", refusal, field="exam")
    return exam_application_create(applicant=applicant, exam=exam, actor=actor)


def _current(applicant: Applicant, field: str) -> Any:
    return getattr(applicant, field)


def _same(field: str, old: Any, new: Any) -> bool:
    if field in ("school", "transfer_school"):
        return (old.pk if old else None) == (new.pk if new else None)
    return bool(old == new)


def applicant_update_identity(
    *, applicant: Applicant, values: Mapping[str, Any], actor: Any = None
) -> Applicant:
    """Save the identity details. Once the ID is issued, a change to a locked field
    is refused with a pointer to the change request; other fields still save."""
    cleaned = identity_validate(values=values, today=timezone.localdate())
    with transaction.atomic():
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        changed = [f for f in IDENTITY_FIELDS if not _same(f, _current(locked, f), cleaned[f])]
        if locked.usmle_id:
            blocked = [f for f in changed if f in LOCKED_IDENTITY_FIELDS]
            if blocked:
                raise DomainError(
                    "identity_locked",
                    gettext(
                        "Your USMLE/ECFMG ID is issued, so these details can no longer be edited: "
                        "%(fields)s. Send a correction request instead; ECFMG staff will review it."
                    )
                    % {"fields": field_names(blocked)},
                    field=blocked[0],
                )
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, cleaned[field])
        locked.last_name_folded = fold_name(locked.last_name)
        locked.save()
        audit_record(action="applicant.identity_updated", obj=locked, actor=actor, after={"fields": changed})
    return locked


def applicant_submit_identity(
    *, applicant: Applicant, values: Mapping[str, Any], actor: Any = None
) -> Applicant:
    """Save the identity details and issue the USMLE/ECFMG ID (R-ID-1) when the
    account's e-mail address is confirmed. Idempotent on the ID."""
    refusal = email_confirmation_refusal(user=applicant.user)
    saved = applicant_update_identity(applicant=applicant, values=values, actor=actor)
    if refusal is None:
        applicant_issue_usmle_id(applicant=saved)
    return saved


def identity_answers_digest(*, applicant: Applicant) -> str:
    """A fingerprint of the identity details as the "check your answers" page shows
    them. Confirming carries it back, so the ID is issued for exactly what the
    applicant checked, not for details changed meanwhile in another tab."""
    shown = "|".join(
        str(_serialise(f, _current(applicant, f)) if _current(applicant, f) else "") for f in IDENTITY_FIELDS
    )
    return salted_hmac("applicants.identity.answers", shown, algorithm="sha256").hexdigest()


def applicant_confirm_identity(*, applicant: Applicant, digest: str, actor: Any = None) -> Applicant:
    """The applicant checked their answers and confirms them: issue the USMLE/ECFMG ID
    (R-ID-1), after which the identity is locked. Refused, changing nothing, when the
    e-mail address is unconfirmed, the details are incomplete, or they changed since
    the page was shown. Idempotent: confirming twice returns the first ID."""
    if applicant.usmle_id:
        return applicant
    refusal = email_confirmation_refusal(user=applicant.user)
    if refusal:
        raise DomainError("email_unconfirmed", refusal)
    if not constant_time_compare(digest, identity_answers_digest(applicant=applicant)):
        raise Conflict(
            "identity_changed",
            gettext("Your details changed since you checked them. Check them again, then confirm."),
        )
    identity_validate(values={f: _current(applicant, f) for f in IDENTITY_FIELDS}, today=timezone.localdate())
    applicant_issue_usmle_id(applicant=applicant)
    return applicant


def _serialise(field: str, value: Any) -> Any:
    if field in ("school", "transfer_school"):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _deserialise(field: str, value: Any) -> Any:
    if field == "school":
        return School.objects.filter(pk=value).first()
    if field in ("date_of_birth", "graduation_date"):
        return datetime.date.fromisoformat(value)
    return value


def identity_change_request_create(
    *, applicant: Applicant, changes: Mapping[str, Any], reason: str, actor: Any = None
) -> IdentityChangeRequest:
    """Ask staff to correct locked identity details. ``changes`` maps locked field
    names to the requested values (a ``School`` for the school). One pending
    request at a time; values are checked like the identity form checks them."""
    if not applicant.usmle_id:
        raise DomainError(
            "identity_not_locked", gettext("Your details are not locked yet: edit them on the identity page.")
        )
    unknown = [f for f in changes if f not in LOCKED_IDENTITY_FIELDS]
    if unknown:
        raise DomainError(
            "identity_invalid", gettext("Only locked identity details can be corrected this way.")
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "reason_required",
            gettext("Tell us why the details must change (for example: typing error)."),
            field="reason",
        )
    proposed = {f: _current(applicant, f) for f in IDENTITY_FIELDS}
    proposed.update(changes)
    cleaned = identity_validate(values=proposed, today=timezone.localdate())
    real_changes = {
        f: _serialise(f, cleaned[f]) for f in changes if not _same(f, _current(applicant, f), cleaned[f])
    }
    if not real_changes:
        raise DomainError("no_change", gettext("The values you entered are the ones already recorded."))
    with transaction.atomic():
        Applicant.objects.select_for_update().filter(pk=applicant.pk).first()
        if applicant.change_requests.filter(status=IdentityChangeRequest.Status.PENDING).exists():
            raise Conflict(
                "change_request_pending",
                gettext("You already have a correction request waiting for review; we will answer it first."),
            )
        request = IdentityChangeRequest.objects.create(
            applicant=applicant, changes=real_changes, reason=reason
        )
        audit_record(
            action="identity_change_request.created",
            obj=request,
            actor=actor,
            after={"fields": sorted(real_changes)},
        )
    return request


def identity_change_request_decide(
    *, change_request: IdentityChangeRequest, approve: bool, actor: Any, note: str = ""
) -> IdentityChangeRequest:
    """A staff decision. Approving applies the requested values to the applicant (the
    only way locked fields change); a decline without a note gets a default one, as
    the applicant is always told why. A request is decided once: a second decision
    raises ``Conflict``."""
    note = note.strip() or ("" if approve else DEFAULT_DECLINE_NOTE)
    status = IdentityChangeRequest.Status.APPROVED if approve else IdentityChangeRequest.Status.DECLINED
    with transaction.atomic():
        claimed = IdentityChangeRequest.objects.filter(
            pk=change_request.pk, status=IdentityChangeRequest.Status.PENDING
        ).update(
            status=status,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
            decided_at=timezone.now(),
            decision_note=note,
        )
        if claimed != 1:
            raise Conflict("change_request_decided", "This request has already been decided.")
        change_request.refresh_from_db()
        if approve:
            applicant = Applicant.objects.select_for_update().get(pk=change_request.applicant_id)
            values = {f: _deserialise(f, v) for f, v in change_request.changes.items()}
            proposed = {f: _current(applicant, f) for f in IDENTITY_FIELDS}
            proposed.update(values)
            cleaned = identity_validate(values=proposed, today=timezone.localdate())
            for field in values:
                setattr(applicant, field, cleaned[field])
            applicant.last_name_folded = fold_name(applicant.last_name)
            applicant.save()
            audit_record(
                action="applicant.identity_corrected",
                obj=applicant,
                actor=actor,
                after={"fields": sorted(values), "change_request": change_request.pk},
            )
            # Status reports print the name as on the diploma: programs get the corrected one.
            applicant_status_changed(applicant_id=applicant.pk, cause="identity.corrected")
        audit_record(
            action="identity_change_request.decided",
            obj=change_request,
            actor=actor,
            before={"status": IdentityChangeRequest.Status.PENDING},
            after={"status": status},
        )
        identity_change_decision_notify(change_request=change_request)
    return change_request
