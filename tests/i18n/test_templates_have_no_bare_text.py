"""The templates that are translated show no words outside a translation tag (issue 16).

``COVERED`` lists the templates whose every word is wrapped; it grows as pages are
translated (docs/i18n.md says which are not yet). A template in the list that gains an
unwrapped sentence fails here, naming the text.
"""

from __future__ import annotations

import pytest

from tests.i18n.template_scan import template_path, untranslated_text

COVERED = [
    "_language_switcher.html",
    "base.html",
    "applicants/dashboard.html",
    "applicants/_field.html",
    "applicants/_form_errors.html",
    "applicants/documents.html",
    "applicants/identity.html",
    "applicants/identity_check.html",
    "applicants/exams.html",
    "applicants/exam_confirm.html",
    "applicants/permit.html",
    "applicants/home.html",
    "applicants/document_preview.html",
    "applicants/upload_rate_limited.html",
    "applicants/_document_upload.html",
    "applicants/_next_step.html",
    "applicants/_school_search.html",
    "applicants/_school_options.html",
    "exams/_permit_next.html",
    "registration/account.html",
    "payments/ledger.html",
    "payments/pay.html",
    "payments/sandbox_checkout.html",
    "verification/verify.html",
    "certificates/templates/certificates/verify_credential.html",
    "certificates/templates/certificates/detail.html",
    "certificates/templates/certificates/email/issued.txt",
    "emails/applicant/_next_step.txt",
    "emails/applicant/verification_answered.txt",
    "emails/applicant/verification_cancelled.txt",
    "emails/applicant/verification_outcome.txt",
    "emails/applicant/verification_sent.txt",
    "emails/applicant/notifications/certificate_revoked.txt",
    "emails/applicant/notifications/certificate_revoked_subject.txt",
    "emails/applicant/notifications/document_decided.txt",
    "emails/applicant/notifications/document_decided_subject.txt",
    "emails/applicant/notifications/exam_fee_charged.txt",
    "emails/applicant/notifications/exam_fee_charged_subject.txt",
    "emails/applicant/notifications/exam_result_recorded.txt",
    "emails/applicant/notifications/exam_result_recorded_subject.txt",
    "emails/applicant/notifications/identity_change_decided.txt",
    "emails/applicant/notifications/identity_change_decided_subject.txt",
    "emails/applicant/notifications/ledger_entry.txt",
    "emails/applicant/notifications/ledger_entry_subject.txt",
    "emails/applicant/notifications/payment_receipt.txt",
    "emails/applicant/notifications/payment_receipt_subject.txt",
    "emails/applicant/notifications/refund_receipt.txt",
    "emails/applicant/notifications/refund_receipt_subject.txt",
    "400.html",
    "404.html",
    "500.html",
    "503.html",
    "school/_field.html",
    "school/link_problem.html",
    "school/respond.html",
    "school/thanks.html",
    "emails/school/verification_request.txt",
    "registration/confirm_failed.html",
    "registration/locked_out.html",
    "registration/login.html",
    "registration/password_change_done.html",
    "registration/password_change_form.html",
    "registration/password_reset_complete.html",
    "registration/password_reset_confirm.html",
    "registration/password_reset_done.html",
    "registration/password_reset_email.html",
    "registration/password_reset_form.html",
    "registration/password_reset_subject.txt",
    "registration/signup.html",
    "registration/signup_done.html",
    "verification/rate_limited.html",
    "verification/verify_not_found.html",
]


@pytest.mark.parametrize("name", COVERED)
def test_every_word_is_inside_a_translation_tag(name):
    assert template_path(name).exists(), name
    assert untranslated_text(name) == []


def test_the_scanner_finds_a_bare_sentence_and_a_bare_attribute(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.i18n.template_scan.TEMPLATES", tmp_path)
    (tmp_path / "page.html").write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p class="lead">Not wrapped</p>'
        '<img alt="A picture" src="x.png">{% blocktranslate %}Also fine{% endblocktranslate %}'
        "{# a comment #}{% comment %}Notes{% endcomment %}<p>ECFMG · USMLE 2026</p>"
    )
    assert untranslated_text("page.html") == ["Not wrapped", "A picture"]
