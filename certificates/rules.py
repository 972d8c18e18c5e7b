"""The certification rules engine: pure, typed, no I/O.

``evaluate(facts)`` takes everything the rules need about one applicant, already
loaded (see ``certificates.selectors.applicant_facts``), and returns every
requirement of ../shared/spec/domain.md with met / not met, the date it was
met, why, and what the applicant should do next, plus the verdict and the date
examination requirements were met (R-EX-5).

Rules are grouped in a dated ``Policy``; ``policy_in_force(on)`` picks the one
that applies, so a second policy (e.g. the 2021 Pathways for clinical skills)
is a new ``Policy`` entry, not a change to callers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

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
    """ "5 November 2026": unambiguous for readers of every country (no 11/05 vs 05/11)."""
    return f"{day.day} {day:%B %Y}"


def _not_after_today(day: datetime.date, facts: ApplicantFacts) -> datetime.date:
    """A student's expected graduation lies ahead; nothing is "done" in the future."""
    return min(day, facts.today)


def first_pass(facts: ApplicantFacts, exam: str) -> datetime.date | None:
    """The earliest passing date of a Step. A pass never expires (R-EX-4)."""
    passes = [r.test_date for r in facts.exam_results if r.exam == exam and r.passed]
    return min(passes) if passes else None


# --- Identity -------------------------------------------------------------


def check_identification_number(facts: ApplicantFacts) -> Requirement:
    title = "USMLE/ECFMG Identification Number"
    if facts.usmle_id:
        return Requirement("R-ID-1", title, True, facts.usmle_id_issued_on, f"Issued: {facts.usmle_id}.")
    return Requirement(
        "R-ID-1",
        title,
        False,
        None,
        "You do not have a USMLE/ECFMG Identification Number yet.",
        "Complete your identity details to receive your USMLE/ECFMG ID.",
    )


# --- Examinations ---------------------------------------------------------


def _exam_check(rule: str, exam: str) -> RuleCheck:
    def check(facts: ApplicantFacts) -> Requirement:
        title = f"Pass {EXAM_LABELS[exam]}"
        passed_on = first_pass(facts, exam)
        if passed_on is not None:
            return Requirement(rule, title, True, passed_on, f"Passed on {human_date(passed_on)}.")
        attempts = [r for r in facts.exam_results if r.exam == exam]
        reason = (
            f"Not passed yet ({len(attempts)} attempt{'s' if len(attempts) != 1 else ''} recorded)."
            if attempts
            else "No passing result recorded yet."
        )
        return Requirement(rule, title, False, None, reason, f"Apply for and pass {EXAM_LABELS[exam]}.")

    check.__name__ = f"check_{exam.lower()}"
    return check


# --- Medical education ----------------------------------------------------


def check_school_listed(facts: ApplicantFacts) -> Requirement:
    title = "Medical school listed in IMED for your graduation year"
    if facts.school is None:
        return Requirement(
            "R-ED-1",
            title,
            False,
            None,
            "No medical school chosen.",
            "Choose your medical school in your profile.",
        )
    if facts.graduation_date is None:
        return Requirement(
            "R-ED-1",
            title,
            False,
            None,
            "Graduation date not given.",
            "Enter your (expected) graduation date.",
        )
    year = facts.graduation_date.year
    if facts.school.lists_year(year):
        return Requirement(
            "R-ED-1",
            title,
            True,
            _not_after_today(facts.graduation_date, facts),
            f"{facts.school.name} is listed for graduation year {year}.",
        )
    return Requirement(
        "R-ED-1",
        title,
        False,
        None,
        f"{facts.school.name} is not listed in IMED for graduation year {year}.",
        "Contact ECFMG: a degree from a school not listed for your graduation year cannot be accepted.",
    )


TRANSFER_YEARS_MISSING = "transfer credit needs the years in which it was earned"


def check_academic_years(facts: ApplicantFacts) -> Requirement:
    """R-ED-2: 4 years of credit, to the half year, own and transfer credit added up;
    transfer credit counts only from a school listed in IMED for every year in which it
    was earned, documented by the transfer school's transcript."""
    title = f"At least {MIN_ACADEMIC_YEARS} academic years of credit"
    own = facts.academic_years
    transfer: Decimal | int = 0
    notes: list[str] = []
    if facts.transfer_years:
        school = facts.transfer_school
        years = facts.transfer_earned_years
        if school is None or not school.eligible_years:
            notes.append("transfer credit from a school not listed in IMED does not count")
        elif years is None:
            notes.append(TRANSFER_YEARS_MISSING)
        elif not all(school.lists_year(year) for year in range(years[0], years[1] + 1)):
            span = f"{years[0]}" if years[0] == years[1] else f"{years[0]} to {years[1]}"
            notes.append(
                f"{school.name} is not listed in IMED for {span}, when your transfer credit was earned, "
                "so it does not count"
            )
        else:
            documented = [d for d in facts.documents_of(TRANSFER_TRANSCRIPT) if d.status not in (REJECTED,)]
            if documented:
                transfer = facts.transfer_years
            else:
                notes.append("transfer credit needs the transcript of the transfer school")
    total = own + transfer
    if total >= MIN_ACADEMIC_YEARS:
        detail = f"{_years(own)} at your degree school" + (f" + {transfer} transferred" if transfer else "")
        met_on = _not_after_today(facts.graduation_date, facts) if facts.graduation_date else None
        if transfer:
            dates = [d.received_on for d in facts.documents_of(TRANSFER_TRANSCRIPT) if d.received_on]
            if dates and met_on:
                met_on = max(met_on, min(dates))
        return Requirement("R-ED-2", title, True, met_on, detail + ".")
    reason = f"{_years(total, 'academic year')} of credit counted"
    if notes:
        reason += "; " + "; ".join(notes)
    if "transfer credit needs the transcript of the transfer school" in notes:
        action = "Upload the transcript of your transfer school."
    elif TRANSFER_YEARS_MISSING in notes:
        action = "Give the years in which you earned your transfer credit in your identity details."
    else:
        action = "Check the years of credit in your profile; at least 4 are required."
    return Requirement("R-ED-2", title, False, None, reason + ".", action)


_STATE_WORDS = {
    RECEIVED: "received, awaiting review",
    SENT_FOR_VERIFICATION: "sent to your medical school for verification",
    UNABLE_TO_VERIFY: "could not be verified by your medical school",
    REJECTED: "rejected",
}


def _years(count: Decimal | int, word: str = "year") -> str:
    """ "1 year", "0 academic years", "4.5 years": never "year(s)"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _best(documents: list[DocumentFact]) -> DocumentFact | None:
    """The most advanced current document of a kind (verified beats pending beats rejected)."""
    order = [VERIFIED, SENT_FOR_VERIFICATION, RECEIVED, UNABLE_TO_VERIFY, REJECTED]
    ranked = sorted(documents, key=lambda d: order.index(d.status) if d.status in order else len(order))
    return ranked[0] if ranked else None


def check_diploma_submitted(facts: ApplicantFacts) -> Requirement:
    """R-ED-6/R-ED-9: a faithful copy of the final diploma, in the original language."""
    title = "Final medical diploma submitted (original language, issue date, signatures)"
    diploma = _best(facts.documents_of(DIPLOMA))
    if diploma is None:
        return Requirement(
            "R-ED-6", title, False, None, "No diploma received yet.", _diploma_upload_action(facts)
        )
    if diploma.status == REJECTED:
        reason = "Your diploma was rejected" + (f": {diploma.reason}" if diploma.reason else ".")
        return Requirement("R-ED-6", title, False, None, reason, "Upload a new copy of your diploma.")
    return Requirement(
        "R-ED-6",
        title,
        True,
        diploma.received_on,
        f"Diploma {_STATE_WORDS.get(diploma.status, diploma.status)}.",
    )


def _diploma_upload_action(facts: ApplicantFacts) -> str:
    if facts.first_exam_application_on is None:
        return "Apply for your first exam; you can send your diploma with that application."
    if facts.graduation_date and facts.graduation_date > facts.today:
        return f"Upload your diploma once you graduate (from {human_date(facts.graduation_date)})."
    return "Upload a scan of your final diploma (all pages, front and back)."


def check_translation(facts: ApplicantFacts) -> Requirement:
    """R-ED-7: a diploma not in English needs an official English translation."""
    title = "Official English translation of the diploma (if not in English)"
    diploma = _best(facts.documents_of(DIPLOMA))
    if diploma is not None and diploma.language.lower() == "en":
        return Requirement(
            "R-ED-7",
            title,
            True,
            diploma.received_on,
            "Your diploma is in English; no translation needed.",
        )
    if diploma is None:
        return Requirement(
            "R-ED-7",
            title,
            False,
            None,
            "Depends on the language of your diploma.",
            "Upload your diploma first.",
        )
    translation = _best(facts.documents_of(TRANSLATION))
    if translation is None:
        return Requirement(
            "R-ED-7",
            title,
            False,
            None,
            "Your diploma is not in English and no translation has been received.",
            "Upload an official English translation (not made by yourself).",
        )
    if translation.status == VERIFIED:
        return Requirement("R-ED-7", title, True, translation.decided_on, "Translation accepted.")
    if translation.status in (REJECTED, UNABLE_TO_VERIFY):
        reason = "Your translation was not accepted" + (
            f": {translation.reason}" if translation.reason else "."
        )
        return Requirement("R-ED-7", title, False, None, reason, "Upload a new official English translation.")
    return Requirement(
        "R-ED-7",
        title,
        False,
        None,
        f"Translation {_STATE_WORDS[translation.status]}.",
        "Nothing to do: we will tell you when it is accepted.",
        in_progress=True,
    )


def check_primary_source_verification(facts: ApplicantFacts) -> Requirement:
    """R-ED-8: the school confirmed the diploma and sent the final transcript itself."""
    title = "Diploma verified by your medical school, final transcript received from the school"
    diploma = _best(facts.documents_of(DIPLOMA))
    transcripts = [
        d
        for d in facts.documents_of(FINAL_TRANSCRIPT)
        if d.source == FROM_SCHOOL and d.status in (RECEIVED, VERIFIED)
    ]
    if diploma is None or diploma.status == REJECTED:
        return Requirement(
            "R-ED-8", title, False, None, "No diploma to verify yet.", _diploma_upload_action(facts)
        )
    if diploma.status == VERIFIED and transcripts:
        dates = [d for d in [diploma.decided_on, *[t.received_on for t in transcripts]] if d]
        return Requirement(
            "R-ED-8", title, True, max(dates) if dates else None, "Verified by your medical school."
        )
    if diploma.status == VERIFIED:
        return Requirement(
            "R-ED-8",
            title,
            False,
            None,
            "Diploma verified; the final transcript has not arrived from your school.",
            "Ask your school's registrar to send the final transcript through the ECFMG request.",
        )
    if diploma.status == UNABLE_TO_VERIFY:
        return Requirement(
            "R-ED-8",
            title,
            False,
            None,
            "Your medical school was unable to verify your diploma"
            + (f": {diploma.reason}" if diploma.reason else "."),
            "Contact your medical school and ECFMG support.",
        )
    if diploma.status == SENT_FOR_VERIFICATION:
        return Requirement(
            "R-ED-8",
            title,
            False,
            None,
            "Sent to your medical school for verification.",
            "Nothing to do now; schools usually answer within 90 days.",
            in_progress=True,
        )
    return Requirement(
        "R-ED-8",
        title,
        False,
        None,
        "Your diploma is awaiting review before it is sent to your school.",
        "Nothing to do now: we will tell you when it is sent to your school.",
        in_progress=True,
    )


# --- Payment --------------------------------------------------------------


def check_balance_paid(facts: ApplicantFacts) -> Requirement:
    """R-PAY-2: no certificate while anything is owed, to the cent."""
    title = "All fees paid"
    if facts.balance > Decimal("0"):
        return Requirement(
            "R-PAY-2",
            title,
            False,
            None,
            f"Outstanding balance: ${facts.balance:,.2f}.",
            "Pay your outstanding balance.",
        )
    return Requirement("R-PAY-2", title, True, facts.today, "Nothing owed.")


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
    return Assessment(
        policy=chosen.name,
        requirements=tuple(check(facts) for check in chosen.checks),
        exam_requirements_met_on=chosen.exam_requirements_met_on(facts),
    )
