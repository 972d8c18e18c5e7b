"""``applicant_journey``: the one answer to "where do I stand and what do I do next?"

The dashboard, the exams page, the documents page, the ledger, the applicant
e-mails and the staff view of an applicant all render this; none of them works
out a next step of its own (docs/decisions/0008-applicant-journey.md).

It derives, from rows loaded in a fixed number of queries (``journey_rows``):
- the rules engine's assessment (``certificates.rules.evaluate``), built from the
  same facts the certification sweep uses (``certificates.selectors.facts_from_rows``);
- the intake gates, read over the same rows: may the applicant apply for each Step
  (R-EX-6, R-ED-4), may they upload each kind of document (R-ED-3..7), what they owe
  (R-PAY-2);
- the ordered actions, each with its page and link, what waits on ECFMG or the
  school (who has it, since when), and what each page shows.

The order of actions is the order the rules impose, so every page agrees:
confirm the address, get the ID; send or fix documents (a graduate's first exam
application is incomplete without them, R-ED-4); fix what else the applicant can;
schedule the test date of an open application; apply for the Steps still to pass
(a student applies first and sends the diploma after graduating, R-ED-3, R-ED-5);
pay the balance.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Applicant, LedgerEntry
from certificates.models import Certificate
from certificates.rules import (
    OUTCOME_FINAL_TRANSCRIPT_MISSING,
    OUTCOME_SCHOOL_UNABLE_TO_VERIFY,
    OUTCOME_TRANSFER_TRANSCRIPT_NEEDED,
    Assessment,
    ExamFact,
    Requirement,
    SchoolFact,
    evaluate,
)
from certificates.selectors import document_fact, facts_from_rows
from credentials.models import Document
from credentials.models_verification import SchoolVerificationRequest
from ecfmg_portal.formatting import format_day, format_money
from exams.models import ExamResult

from .journey_common import best_document, local_day, support_link
from .journey_documents import document_actions, document_rows, documents_needed
from .journey_exams import exam_actions, step_rows
from .journey_rows import JourneyRows, journey_rows, loaded_for_journey
from .timeline import applicant_timeline
from .types import (
    Action,
    Journey,
    JourneyState,
    Later,
    Page,
    SchoolCheck,
    Waiting,
)

# --- School verification -------------------------------------------------------


def _school_check(request: SchoolVerificationRequest | None) -> SchoolCheck | None:
    if request is None:
        return None
    status = SchoolVerificationRequest.Status
    labels: dict[str, str] = {
        status.SENT: _("Sent for verification"),
        status.ANSWERED: _("Your school has answered; ECFMG is evaluating the answer"),
        status.ACCEPTED: _("Verified"),
        status.REJECTED: _("Not verified"),
        status.CANCELLED: _("Verification request withdrawn by ECFMG"),
    }
    return SchoolCheck(
        state=request.status,
        label=labels.get(request.status, request.get_status_display()),
        school_name=request.school.name,
        sent_on=timezone.localdate(request.created_at),
        reminders=getattr(request, "reminder_count", None) or 0,
        last_reminder_on=local_day(getattr(request, "last_reminder_at", None)),
        answered_on=local_day(request.answered_at),
        decided_on=local_day(request.decided_at),
        reason=request.decision_reason if request.status == status.REJECTED else "",
    )


# --- The journey ---------------------------------------------------------------


def _facts_schools(applicant: Applicant) -> tuple[SchoolFact | None, SchoolFact | None]:
    """Only what the rules ask of the two schools is loaded (``journey_applicants``):
    whether IMED lists the degree school for the graduation year, and whether it
    lists the transfer school at all. ``eligible_years`` holds exactly that, so the
    rules answer as they do over the full ranges (a test holds the two equal)."""
    school = transfer = None
    if applicant.school is not None:
        year = applicant.graduation_date.year if applicant.graduation_date else 0
        listed = bool(getattr(applicant, "school_listed_for_graduation", False)) and year > 0
        school = SchoolFact(
            imed_id=applicant.school.imed_id,
            name=applicant.school.name,
            country=applicant.school.country,
            eligible_years=((year, year),) if listed else (),
        )
    if applicant.transfer_school is not None:
        transfer = SchoolFact(
            imed_id=applicant.transfer_school.imed_id,
            name=applicant.transfer_school.name,
            country=applicant.transfer_school.country,
            eligible_years=((0, None),) if getattr(applicant, "transfer_school_listed", False) else (),
        )
    return school, transfer


def _certificate(applicant: Applicant) -> Certificate | None:
    try:
        return applicant.certificate
    except Certificate.DoesNotExist:
        return None


def applicant_journey(applicant: Applicant, *, today: datetime.date | None = None) -> Journey:
    """Where the applicant stands and what to do next, for every page and e-mail.

    Two queries at most: one for the file (``journey_rows``) and one for the
    applicant unless it was loaded with ``journey_applicants()``.
    """
    today = today or timezone.localdate()
    applicant = loaded_for_journey(applicant)
    rows = journey_rows(applicant)
    balance = sum((e.amount for e in rows.ledger), Decimal("0.00"))
    school, transfer = _facts_schools(applicant)
    facts = facts_from_rows(
        applicant=applicant,
        today=today,
        school=school,
        transfer_school=transfer,
        first_application_at=rows.applications[0].created_at if rows.applications else None,
        exam_results=[
            ExamFact(exam=r.exam, test_date=r.test_date, passed=r.outcome == ExamResult.Outcome.PASS)
            for r in rows.results
        ],
        documents=[document_fact(d) for d in rows.documents],
        balance=balance,
    )
    assessment = evaluate(facts)
    certificate = _certificate(applicant)
    school_check = _school_check(rows.school_request)
    diploma = best_document([d for d in rows.documents if d.kind == Document.Kind.DIPLOMA])
    translation = best_document([d for d in rows.documents if d.kind == Document.Kind.TRANSLATION])
    needed = documents_needed(
        applicant, diploma, translation, bool(getattr(applicant, "transfer_school_listed", False))
    )
    documents = document_rows(applicant, rows, needed, today=today, certified=certificate is not None)

    email_refusal = (
        _("Confirm your e-mail address first: open the link we sent you.")
        if applicant.user.email_confirmed_at is None
        else None
    )
    graduated = applicant.graduation_date is not None and applicant.graduation_date <= today
    credentials_first = _first_application_lacks(
        rows, graduated=graduated, diploma=diploma, translation=translation
    )
    general_refusal = (
        email_refusal
        or (None if applicant.usmle_id else _("Get your USMLE/ECFMG ID before applying for an exam."))
        or credentials_first
    )
    steps = step_rows(applicant, rows, today, general_refusal)

    actions: list[Action] = []
    waiting: list[Waiting] = []
    later: list[Later] = []
    if email_refusal:
        actions.append(
            Action("confirm_email", email_refusal, reverse("account"), _("Go to your account"), Page.ACCOUNT)
        )
    if not applicant.usmle_id:
        actions.append(
            Action(
                "identity",
                _("Fill in your identity details exactly as on your diploma to receive your USMLE/ECFMG ID."),
                reverse("identity"),
                _("Fill in your identity details"),
                Page.IDENTITY,
                "R-ID-1",
            )
        )
    if certificate is not None and certificate.is_revoked:
        actions.append(_revoked_action(certificate))
    elif certificate is not None:
        actions.append(
            Action(
                "certificate",
                _("You are certified. Download your Standard ECFMG Certificate."),
                # The PDF itself once it is rendered; until then the page that says so.
                reverse("certificate_download", args=[certificate.pk])
                if certificate.pdf.name
                else reverse("certificate_detail"),
                _("Download your certificate (PDF)") if certificate.pdf.name else _("Go to your certificate"),
                Page.CERTIFICATE,
                "R-CE-3",
            )
        )
    elif applicant.usmle_id and not email_refusal:
        document_actions(actions, waiting, later, applicant, documents, school_check, today)
        _requirement_actions(actions, waiting, applicant, assessment, school_check)
        exam_actions(actions, steps, credentials_first)
        if balance > 0:
            actions.append(
                Action(
                    "pay",
                    _("Pay your balance of %(amount)s.") % {"amount": format_money(balance)},
                    reverse("ledger"),
                    _("Go to your balance"),
                    Page.LEDGER,
                    "R-PAY-2",
                )
            )
    state = _state(applicant, email_refusal, certificate, assessment, rows, actions)
    return Journey(
        state=state,
        headline=_headline(state, certificate, waiting),
        actions=tuple(actions),
        waiting=tuple(waiting),
        later=tuple(later),
        assessment=assessment,
        balance=balance,
        certificate=certificate,
        documents=documents,
        current_documents=rows.documents,
        steps=steps,
        applications=rows.applications,
        school_check=school_check,
        timeline=applicant_timeline(
            applicant=applicant,
            applications=rows.applications,
            certificate=certificate,
            document_events=rows.history,
            results=rows.results,
            ledger_entries=[
                e for e in rows.ledger if e.kind in (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND)
            ],
        ),
    )


def _first_application_lacks(
    rows: JourneyRows, *, graduated: bool, diploma: Document | None, translation: Document | None
) -> str | None:
    """R-ED-4 with R-ED-7: what a graduate's first application still lacks."""
    if rows.applications or not graduated:
        return None
    if diploma is None or diploma.status == Document.Status.REJECTED:
        return _(
            "As a graduate, send your final diploma with your first exam application: upload it first, then apply."
        )
    usable_translation = translation is not None and translation.status in Document.CURRENT_STATES
    if not diploma.is_english and not usable_translation:
        return _("Your diploma is not in English: upload its official English translation first, then apply.")
    return None


def _revoked_action(certificate: Certificate) -> Action:
    return Action(
        "revoked",
        _(
            "Your certificate %(number)s was revoked on %(on)s. If you think this is a mistake, or to ask "
            "what would restore it, write to ECFMG support and give your certificate number."
        )
        % {"number": certificate.number, "on": format_day(certificate.revoked_on)},
        # The subject is read by ECFMG support: English.
        support_link(f"Revoked certificate {certificate.number}"),
        _("Write to %(email)s") % {"email": settings.SUPPORT_EMAIL},
        Page.SUPPORT,
        "R-CE-3",
    )


def _requirement_actions(
    actions: list[Action],
    waiting: list[Waiting],
    applicant: Applicant,
    assessment: Assessment,
    school_check: SchoolCheck | None,
) -> None:
    """Unmet requirements that are not an upload or an exam: what the applicant can
    do about each, or who has it."""
    identity_url = reverse("identity")
    for requirement in assessment.missing:
        if requirement.rule == "R-ED-1":
            if applicant.school is None or applicant.graduation_date is None:
                actions.append(
                    Action(
                        "fix:R-ED-1",
                        _("%(reason)s Ask for a correction of your identity details.")
                        % {"reason": requirement.reason},
                        identity_url,
                        _("Go to your identity details"),
                        Page.IDENTITY,
                        "R-ED-1",
                    )
                )
            else:
                actions.append(
                    Action(
                        "fix:R-ED-1",
                        _(
                            "%(reason)s Write to ECFMG support: a degree from a school not listed for "
                            "your graduation year cannot be accepted."
                        )
                        % {"reason": requirement.reason},
                        support_link("Medical school not listed"),
                        _("Write to %(email)s") % {"email": settings.SUPPORT_EMAIL},
                        Page.SUPPORT,
                        "R-ED-1",
                    )
                )
        elif requirement.rule == "R-ED-2" and requirement.outcome != OUTCOME_TRANSFER_TRANSCRIPT_NEEDED:
            actions.append(
                Action(
                    "fix:R-ED-2",
                    _(
                        "%(reason)s At least 4 are required. If your identity details are wrong, ask for a correction."
                    )
                    % {"reason": _sentence(requirement)},
                    identity_url,
                    _("Go to your identity details"),
                    Page.IDENTITY,
                    "R-ED-2",
                )
            )
        elif requirement.rule == "R-ED-8" and not requirement.in_progress:
            if requirement.outcome == OUTCOME_SCHOOL_UNABLE_TO_VERIFY:
                school = school_check.school_name if school_check else _("your medical school")
                actions.append(
                    Action(
                        "contact:school",
                        _(
                            "%(reason)s. Ask the registrar of %(school)s to answer ECFMG's request, then write to ECFMG support."
                        )
                        % {"reason": requirement.reason.rstrip("."), "school": school},
                        support_link("Diploma could not be verified"),
                        _("Write to %(email)s") % {"email": settings.SUPPORT_EMAIL},
                        Page.SUPPORT,
                        "R-ED-8",
                    )
                )
            elif requirement.outcome == OUTCOME_FINAL_TRANSCRIPT_MISSING:
                school = school_check.school_name if school_check else _("your medical school")
                waiting.append(
                    Waiting(
                        "R-ED-8",
                        _(
                            "Your school's final transcript has not arrived yet; ask the registrar to send it "
                            "through ECFMG's request."
                        ),
                        school,
                        school_check.decided_on if school_check else None,
                    )
                )


def _sentence(requirement: Requirement) -> str:
    """ "0 academic years of credit counted." from the rules' reason."""
    # A translated reason may end with its own script's full stop ("。", "؟" …).
    ends = (".", "。", "؟", "!", "?")
    return requirement.reason if requirement.reason.endswith(ends) else requirement.reason + "."


def _state(
    applicant: Applicant,
    email_refusal: str | None,
    certificate: Certificate | None,
    assessment: Assessment,
    rows: JourneyRows,
    actions: list[Action],
) -> JourneyState:
    if certificate is not None:
        return JourneyState.REVOKED if certificate.is_revoked else JourneyState.CERTIFIED
    if email_refusal or not applicant.usmle_id:
        return JourneyState.NO_ID
    if assessment.eligible:
        return JourneyState.ELIGIBLE
    if [r.rule for r in assessment.missing] == ["R-PAY-2"]:
        return JourneyState.OWES
    if not rows.applications and not rows.results:
        return JourneyState.NOT_APPLIED
    return JourneyState.IN_PROGRESS if actions else JourneyState.WAITING


def _headline(state: JourneyState, certificate: Certificate | None, waiting: list[Waiting]) -> str:
    """What the "next step" box says when there is no action (or above the actions)."""
    if state == JourneyState.REVOKED and certificate is not None:
        revoked = _("Your certificate was revoked on %(on)s. It no longer certifies you.") % {
            "on": format_day(certificate.revoked_on)
        }
        if certificate.revocation_reason:
            revoked += " " + _("Reason: %(reason)s") % {"reason": certificate.revocation_reason}
        return revoked
    if state == JourneyState.CERTIFIED:
        return _("You are certified.")
    if state == JourneyState.ELIGIBLE:
        return _(
            "Nothing for you to do: every requirement is met. Your certificate is being issued; we will e-mail you."
        )
    if waiting:
        return _("Nothing for you to do now. %(waiting)s We will e-mail you when it changes.") % {
            "waiting": waiting[0].text
        }
    return _("Nothing for you to do now. We will e-mail you when something changes.")
