"""The certification rules engine: pure, typed, no I/O.

``evaluate(facts)`` takes everything the rules need about one applicant, already
loaded (see ``certificates.selectors.applicant_facts``), and returns every
requirement of ../shared/spec/domain.md with met / not met, the date it was
met, why, and what the applicant should do next, plus the verdict and the date
examination requirements were met (R-EX-5).

The words (titles, reasons, actions) are written with ``gettext`` when a check runs,
so they follow the reader's active language; the verdict never depends on them, and
neither does the journey: where it must tell two unmet states of one rule apart, it
reads the requirement's ``outcome`` code, never its words. The exam names are official
and stay as they are.

Rules are grouped in a dated ``Policy``; ``policy_in_force(on)`` picks the one
that applies, so a second policy (e.g. the 2021 Pathways for clinical skills)
is a new ``Policy`` entry, not a change to callers.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import dateformat
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

STEP1 = "STEP1"
STEP2CK = "STEP2CK"
STEP2CS = "STEP2CS"
EXAM_LABELS = {
    STEP1: "USMLE Step 1",
    STEP2CK: "USMLE Step 2 Clinical Knowledge (CK)",
    STEP2CS: "USMLE Step 2 Clinical Skills (CS)",
}
MIN_ACADEMIC_YEARS = 4

# Document kinds and states, as stored by credentials.models.Document.
DIPLOMA = "diploma"
TRANSLATION = "translation"
FINAL_TRANSCRIPT = "final_transcript"
TRANSFER_TRANSCRIPT = "transfer_transcript"
RECEIVED = "received"
SENT_FOR_VERIFICATION = "sent_for_verification"
VERIFIED = "verified"
UNABLE_TO_VERIFY = "unable_to_verify"
REJECTED = "rejected"
FROM_SCHOOL = "school"

# Requirement.outcome: unmet states the journey sends the applicant different ways for.
OUTCOME_TRANSFER_TRANSCRIPT_NEEDED = "transfer_transcript_needed"  # R-ED-2: an upload, not a correction
OUTCOME_SCHOOL_UNABLE_TO_VERIFY = "school_unable_to_verify"  # R-ED-8: write to the school and support
OUTCOME_FINAL_TRANSCRIPT_MISSING = "final_transcript_missing"  # R-ED-8: the school has it


@functools.lru_cache(maxsize=2048)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


# The reader's language for the words of one ``evaluate``: read once per applicant
# instead of once per message (Django's active language sits behind a thread-local).
_reader_language: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "rules_reader_language", default=None
)


def _(message: str) -> str:
    """``gettext``, remembered per language. Every applicant asks the same few dozen
    messages (28 a check-up), and Django's lookup through its merged catalogs was most
    of ``evaluate``'s time in a sweep of 100,000; the catalogs change only with a deploy."""
    return _translated(_reader_language.get() or get_language(), message)


@dataclass(frozen=True)
class SchoolFact:
    imed_id: str
    name: str
    country: str
    # (start, end) graduation-year ranges; end None means "current" (open-ended).
    eligible_years: tuple[tuple[int, int | None], ...]

    def lists_year(self, year: int) -> bool:
        return any(start <= year and (end is None or year <= end) for start, end in self.eligible_years)


@dataclass(frozen=True)
class ExamFact:
    exam: str
    test_date: datetime.date
    passed: bool


@dataclass(frozen=True)
class DocumentFact:
    kind: str
    status: str
    language: str = "en"
    source: str = "applicant"
    received_on: datetime.date | None = None
    decided_on: datetime.date | None = None
    reason: str = ""


@dataclass(frozen=True)
class ApplicantFacts:
    today: datetime.date
    usmle_id: str | None = None
    usmle_id_issued_on: datetime.date | None = None
    school: SchoolFact | None = None
    graduation_date: datetime.date | None = None
    # To the half year (R-ED-2): a whole number of years is an int, so it reads "4", not "4.0".
    academic_years: Decimal | int = 0
    transfer_school: SchoolFact | None = None
    transfer_years: Decimal | int = 0
    # (first, last) calendar years in which the transfer credit was earned (R-ED-2).
    transfer_earned_years: tuple[int, int] | None = None
    first_exam_application_on: datetime.date | None = None
    exam_results: tuple[ExamFact, ...] = ()
    # Current documents only: replaced ones are left out by the selector.
    documents: tuple[DocumentFact, ...] = ()
    balance: Decimal = Decimal("0.00")

    def documents_of(self, kind: str) -> list[DocumentFact]:
        return [d for d in self.documents if d.kind == kind]


@dataclass(frozen=True)
class Requirement:
    rule: str
    title: str
    met: bool
    met_on: datetime.date | None
    reason: str
    next_action: str = ""
    # Not met, but nothing for the applicant to do: ECFMG or the school has it.
    in_progress: bool = False
    # Which unmet state this is, where one rule has several that lead elsewhere
    # (one of the OUTCOME_ codes below; "" when the rule has only one).
    outcome: str = ""


@dataclass(frozen=True)
class Assessment:
    policy: str
    requirements: tuple[Requirement, ...]
    exam_requirements_met_on: datetime.date | None

    @property
    def eligible(self) -> bool:
        """True when every requirement is met: the certificate may be issued (R-CE-1)."""
        return all(r.met for r in self.requirements)

    @property
    def missing(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]

    @property
    def requirements_met_on(self) -> datetime.date | None:
        """The day the last requirement was met, when every one is and each has a date."""
        if not self.eligible:
            return None
        dates = [r.met_on for r in self.requirements]
        return max(d for d in dates if d is not None) if all(dates) else None

    def get(self, rule: str) -> Requirement:
        return next(r for r in self.requirements if r.rule == rule)


RuleCheck = Callable[[ApplicantFacts], Requirement]


@dataclass(frozen=True)
class Policy:
    name: str
    effective_from: datetime.date
    checks: Sequence[RuleCheck] = field(default_factory=tuple)
    exams: tuple[str, ...] = (STEP1, STEP2CK, STEP2CS)

    def exam_requirements_met_on(self, facts: ApplicantFacts) -> datetime.date | None:
        """R-EX-5: the latest of the earliest passing date of each required Step."""
        firsts = [first_pass(facts, exam) for exam in self.exams]
        if any(d is None for d in firsts):
            return None
        return max(d for d in firsts if d is not None)


def human_date(day: datetime.date) -> str:
    """ "5 November 2026": unambiguous for readers of every country (no 11/05 vs 05/11);
    the month is named in the active language, like ``ecfmg_portal.formatting.format_day``."""
    return _human_date(_reader_language.get() or get_language(), day)


@functools.lru_cache(maxsize=8192)
def _human_date(language: str | None, day: datetime.date) -> str:
    # A sweep writes the same graduation and test dates again and again.
    return dateformat.format(day, "j F Y")


def _not_after_today(day: datetime.date, facts: ApplicantFacts) -> datetime.date:
    """A student's expected graduation lies ahead; nothing is "done" in the future."""
    return min(day, facts.today)


def first_pass(facts: ApplicantFacts, exam: str) -> datetime.date | None:
    """The earliest passing date of a Step. A pass never expires (R-EX-4)."""
    passes = [r.test_date for r in facts.exam_results if r.exam == exam and r.passed]
    return min(passes) if passes else None


# --- Identity -------------------------------------------------------------


def check_identification_number(facts: ApplicantFacts) -> Requirement:
    title = _("USMLE/ECFMG Identification Number")
    if facts.usmle_id:
        return Requirement(
            "R-ID-1", title, True, facts.usmle_id_issued_on, _("Issued: %(id)s.") % {"id": facts.usmle_id}
        )
    return Requirement(
        "R-ID-1",
        title,
        False,
        None,
        _("You do not have a USMLE/ECFMG Identification Number yet."),
        _("Complete your identity details to receive your USMLE/ECFMG ID."),
    )


# --- Examinations ---------------------------------------------------------


def _exam_check(rule: str, exam: str) -> RuleCheck:
    def check(facts: ApplicantFacts) -> Requirement:
        title = _("Pass %(exam)s") % {"exam": EXAM_LABELS[exam]}
        passed_on = first_pass(facts, exam)
        if passed_on is not None:
            return Requirement(
                rule, title, True, passed_on, _("Passed on %(date)s.") % {"date": human_date(passed_on)}
            )
        attempts = [r for r in facts.exam_results if r.exam == exam]
        reason = (
            ngettext(
                "Not passed yet (%(count)d attempt recorded).",
                "Not passed yet (%(count)d attempts recorded).",
                len(attempts),
            )
            % {"count": len(attempts)}
            if attempts
            else _("No passing result recorded yet.")
        )
        action = _("Apply for and pass %(exam)s.") % {"exam": EXAM_LABELS[exam]}
        return Requirement(rule, title, False, None, reason, action)

    check.__name__ = f"check_{exam.lower()}"
    return check


# --- Medical education ----------------------------------------------------


def check_school_listed(facts: ApplicantFacts) -> Requirement:
    title = _("Medical school listed in IMED for your graduation year")
    if facts.school is None:
        return Requirement(
            "R-ED-1",
            title,
            False,
            None,
            _("No medical school chosen."),
            _("Choose your medical school in your profile."),
        )
    if facts.graduation_date is None:
        return Requirement(
            "R-ED-1",
            title,
            False,
            None,
            _("Graduation date not given."),
            _("Enter your (expected) graduation date."),
        )
    year = facts.graduation_date.year
    if facts.school.lists_year(year):
        return Requirement(
            "R-ED-1",
            title,
            True,
            _not_after_today(facts.graduation_date, facts),
            _("%(school)s is listed for graduation year %(year)s.")
            % {"school": facts.school.name, "year": year},
        )
    return Requirement(
        "R-ED-1",
        title,
        False,
        None,
        _("%(school)s is not listed in IMED for graduation year %(year)s.")
        % {"school": facts.school.name, "year": year},
        _("Contact ECFMG: a degree from a school not listed for your graduation year cannot be accepted."),
    )


# English, as the tests name it; shown through gettext in the reader's language.
TRANSFER_YEARS_MISSING = gettext_noop("transfer credit needs the years in which it was earned")


def check_academic_years(facts: ApplicantFacts) -> Requirement:
    """R-ED-2: 4 years of credit, to the half year, own and transfer credit added up;
    transfer credit counts only from a school listed in IMED for every year in which it
    was earned, documented by the transfer school's transcript."""
    title = _("At least %(count)s academic years of credit") % {"count": MIN_ACADEMIC_YEARS}
    own = facts.academic_years
    transfer: Decimal | int = 0
    notes: list[str] = []
    # What the applicant should do is decided by these flags, not by the notes' words
    # (which are in the reader's language).
    years_missing = needs_transcript = False
    if facts.transfer_years:
        school = facts.transfer_school
        years = facts.transfer_earned_years
        if school is None or not school.eligible_years:
            notes.append(_("transfer credit from a school not listed in IMED does not count"))
        elif years is None:
            years_missing = True
            notes.append(_(TRANSFER_YEARS_MISSING))
        elif not all(school.lists_year(year) for year in range(years[0], years[1] + 1)):
            span = (
                f"{years[0]}"
                if years[0] == years[1]
                else _("%(first)s to %(last)s") % {"first": years[0], "last": years[1]}
            )
            notes.append(
                _(
                    "%(school)s is not listed in IMED for %(years)s, when your transfer credit was earned, "
                    "so it does not count"
                )
                % {"school": school.name, "years": span}
            )
        else:
            documented = [d for d in facts.documents_of(TRANSFER_TRANSCRIPT) if d.status not in (REJECTED,)]
            if documented:
                transfer = facts.transfer_years
            else:
                needs_transcript = True
                notes.append(_("transfer credit needs the transcript of the transfer school"))
    total = own + transfer
    if total >= MIN_ACADEMIC_YEARS:
        detail = (
            _("%(years)s at your degree school + %(transferred)s transferred.")
            % {"years": _years(own), "transferred": transfer}
            if transfer
            else _("%(years)s at your degree school.") % {"years": _years(own)}
        )
        met_on = _not_after_today(facts.graduation_date, facts) if facts.graduation_date else None
        if transfer:
            dates = [d.received_on for d in facts.documents_of(TRANSFER_TRANSCRIPT) if d.received_on]
            if dates and met_on:
                met_on = max(met_on, min(dates))
        return Requirement("R-ED-2", title, True, met_on, detail)
    counted = _("%(years)s of credit counted") % {"years": _academic_years(total)}
    reason = _("%(clauses)s.") % {"clauses": _("; ").join([counted, *notes])}
    if needs_transcript:
        action = _("Upload the transcript of your transfer school.")
    elif years_missing:
        action = _("Give the years in which you earned your transfer credit in your identity details.")
    else:
        action = _("Check the years of credit in your profile; at least 4 are required.")
    outcome = OUTCOME_TRANSFER_TRANSCRIPT_NEEDED if needs_transcript else ""
    return Requirement("R-ED-2", title, False, None, reason, action, outcome=outcome)


def _diploma_state(status: str) -> str:
    """ "Diploma received, awaiting review.": one whole sentence per state, for translators."""
    sentences = {
        RECEIVED: _("Diploma received, awaiting review."),
        SENT_FOR_VERIFICATION: _("Diploma sent to your medical school for verification."),
        UNABLE_TO_VERIFY: _("Diploma could not be verified by your medical school."),
        VERIFIED: _("Diploma verified."),
        REJECTED: _("Diploma rejected."),
    }
    return sentences.get(status) or f"Diploma {status}."


def _translation_state(status: str) -> str:
    sentences = {
        RECEIVED: _("Translation received, awaiting review."),
        SENT_FOR_VERIFICATION: _("Translation sent to your medical school for verification."),
    }
    return sentences[status]


def _count_word(count: Decimal | int) -> int:
    """The number gettext picks the plural form by: the whole part ("4.5 years" takes the
    form of 4), while the number itself is written as given. A fraction is never singular
    ("1.5 years"), so 1.5 takes the form of 2."""
    whole = int(count)
    return whole if whole == count else max(whole, 2)


def _years(count: Decimal | int) -> str:
    """ "1 year", "4.5 years": never "year(s)"."""
    return ngettext("%(count)s year", "%(count)s years", _count_word(count)) % {"count": count}


def _academic_years(count: Decimal | int) -> str:
    """ "1 academic year", "0 academic years"."""
    return ngettext("%(count)s academic year", "%(count)s academic years", _count_word(count)) % {
        "count": count
    }


def _best(documents: list[DocumentFact]) -> DocumentFact | None:
    """The most advanced current document of a kind (verified beats pending beats rejected)."""
    order = [VERIFIED, SENT_FOR_VERIFICATION, RECEIVED, UNABLE_TO_VERIFY, REJECTED]
    ranked = sorted(documents, key=lambda d: order.index(d.status) if d.status in order else len(order))
    return ranked[0] if ranked else None


def check_diploma_submitted(facts: ApplicantFacts) -> Requirement:
    """R-ED-6/R-ED-9: a faithful copy of the final diploma, in the original language."""
    title = _("Final medical diploma submitted (original language, issue date, signatures)")
    diploma = _best(facts.documents_of(DIPLOMA))
    if diploma is None:
        return Requirement(
            "R-ED-6", title, False, None, _("No diploma received yet."), _diploma_upload_action(facts)
        )
    if diploma.status == REJECTED:
        reason = (
            _("Your diploma was rejected: %(reason)s") % {"reason": diploma.reason}
            if diploma.reason
            else _("Your diploma was rejected.")
        )
        return Requirement("R-ED-6", title, False, None, reason, _("Upload a new copy of your diploma."))
    return Requirement("R-ED-6", title, True, diploma.received_on, _diploma_state(diploma.status))


def _diploma_upload_action(facts: ApplicantFacts) -> str:
    if facts.first_exam_application_on is None:
        return _("Apply for your first exam; you can send your diploma with that application.")
    if facts.graduation_date and facts.graduation_date > facts.today:
        return _("Upload your diploma once you graduate (from %(date)s).") % {
            "date": human_date(facts.graduation_date)
        }
    return _("Upload a scan of your final diploma (all pages, front and back).")


def check_translation(facts: ApplicantFacts) -> Requirement:
    """R-ED-7: a diploma not in English needs an official English translation."""
    title = _("Official English translation of the diploma (if not in English)")
    diploma = _best(facts.documents_of(DIPLOMA))
    if diploma is not None and diploma.language.lower() == "en":
        return Requirement(
            "R-ED-7",
            title,
            True,
            diploma.received_on,
            _("Your diploma is in English; no translation needed."),
        )
    if diploma is None:
        return Requirement(
            "R-ED-7",
            title,
            False,
            None,
            _("Depends on the language of your diploma."),
            _("Upload your diploma first."),
        )
    translation = _best(facts.documents_of(TRANSLATION))
    if translation is None:
        return Requirement(
            "R-ED-7",
            title,
            False,
            None,
            _("Your diploma is not in English and no translation has been received."),
            _("Upload an official English translation (not made by yourself)."),
        )
    if translation.status == VERIFIED:
        return Requirement("R-ED-7", title, True, translation.decided_on, _("Translation accepted."))
    if translation.status in (REJECTED, UNABLE_TO_VERIFY):
        reason = (
            _("Your translation was not accepted: %(reason)s") % {"reason": translation.reason}
            if translation.reason
            else _("Your translation was not accepted.")
        )
        return Requirement(
            "R-ED-7", title, False, None, reason, _("Upload a new official English translation.")
        )
    return Requirement(
        "R-ED-7",
        title,
        False,
        None,
        _translation_state(translation.status),
        _("Nothing to do: we will tell you when it is accepted."),
        in_progress=True,
    )


def check_primary_source_verification(facts: ApplicantFacts) -> Requirement:
    """R-ED-8: the school confirmed the diploma and sent the final transcript itself."""
    title = _("Diploma verified by your medical school, final transcript received from the school")
    diploma = _best(facts.documents_of(DIPLOMA))
    transcripts = [
        d
        for d in facts.documents_of(FINAL_TRANSCRIPT)
        if d.source == FROM_SCHOOL and d.status in (RECEIVED, VERIFIED)
    ]
    if diploma is None or diploma.status == REJECTED:
        return Requirement(
            "R-ED-8", title, False, None, _("No diploma to verify yet."), _diploma_upload_action(facts)
        )
    if diploma.status == VERIFIED and transcripts:
        dates = [d for d in [diploma.decided_on, *[t.received_on for t in transcripts]] if d]
        return Requirement(
            "R-ED-8", title, True, max(dates) if dates else None, _("Verified by your medical school.")
        )
    if diploma.status == VERIFIED:
        return Requirement(
            "R-ED-8",
            title,
            False,
            None,
            _("Diploma verified; the final transcript has not arrived from your school."),
            _("Ask your school's registrar to send the final transcript through the ECFMG request."),
            outcome=OUTCOME_FINAL_TRANSCRIPT_MISSING,
        )
    if diploma.status == UNABLE_TO_VERIFY:
        return Requirement(
            "R-ED-8",
            title,
            False,
            None,
            (
                _("Your medical school was unable to verify your diploma: %(reason)s")
                % {"reason": diploma.reason}
                if diploma.reason
                else _("Your medical school was unable to verify your diploma.")
            ),
            _("Contact your medical school and ECFMG support."),
            outcome=OUTCOME_SCHOOL_UNABLE_TO_VERIFY,
        )
    if diploma.status == SENT_FOR_VERIFICATION:
        return Requirement(
            "R-ED-8",
            title,
            False,
            None,
            _("Sent to your medical school for verification."),
            _("Nothing to do now; schools usually answer within 90 days."),
            in_progress=True,
        )
    return Requirement(
        "R-ED-8",
        title,
        False,
        None,
        _("Your diploma is awaiting review before it is sent to your school."),
        _("Nothing to do now: we will tell you when it is sent to your school."),
        in_progress=True,
    )


# --- Payment --------------------------------------------------------------


def check_balance_paid(facts: ApplicantFacts) -> Requirement:
    """R-PAY-2: no certificate while anything is owed, to the cent."""
    title = _("All fees paid")
    if facts.balance > Decimal("0"):
        return Requirement(
            "R-PAY-2",
            title,
            False,
            None,
            _("Outstanding balance: %(amount)s.") % {"amount": f"${facts.balance:,.2f}"},
            _("Pay your outstanding balance."),
        )
    return Requirement("R-PAY-2", title, True, facts.today, _("Nothing owed."))


# The seed's policy (R-EX-1..3 and the education rules). A later policy (e.g. the
# 2021 Pathways replacing Step 2 CS) is added to POLICIES with its start date.
SEED_POLICY = Policy(
    name="Standard certification (Step 1, Step 2 CK, Step 2 CS)",
    effective_from=datetime.date(1900, 1, 1),
    checks=(
        check_identification_number,
        _exam_check("R-EX-1", STEP1),
        _exam_check("R-EX-2", STEP2CK),
        _exam_check("R-EX-3", STEP2CS),
        check_school_listed,
        check_academic_years,
        check_diploma_submitted,
        check_translation,
        check_primary_source_verification,
        check_balance_paid,
    ),
)
POLICIES: tuple[Policy, ...] = (SEED_POLICY,)


def policy_in_force(on: datetime.date) -> Policy:
    candidates = [p for p in POLICIES if p.effective_from <= on]
    return max(candidates, key=lambda p: p.effective_from)


def evaluate(facts: ApplicantFacts, policy: Policy | None = None) -> Assessment:
    """Assess every requirement for one applicant. Pure: same facts, same answer."""
    chosen = policy or policy_in_force(facts.today)
    reading = _reader_language.set(get_language())
    try:
        return Assessment(
            policy=chosen.name,
            requirements=tuple(check(facts) for check in chosen.checks),
            exam_requirements_met_on=chosen.exam_requirements_met_on(facts),
        )
    finally:
        _reader_language.reset(reading)
