"""``generate_load_data`` bypasses the services for speed; these tests hold it to
the invariants the services keep, so benchmarks measure data the portal could hold."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Sum

from applicants.loadgen.generate import SAMPLE_FILE_NAME, STAGES, generate_load_data
from applicants.models import Applicant, LedgerEntry, User
from applicants.services.identity import fold_name, luhn_check_digit, usmle_id_is_valid
from certificates.models import Certificate, CertificateCounter
from certificates.selectors import assessments_in_batches
from credentials.models import Document
from exams.models import ExamApplication

pytestmark = pytest.mark.django_db

SMALL = {"schools": 60, "programs": 20, "authorities": 4, "batch_size": 150}


def test_it_writes_applicants_at_every_stage():
    summary = generate_load_data(applicants=600, seed=3, **SMALL)

    assert Applicant.objects.count() == User.objects.count() == 600
    assert set(summary.stages) == set(STAGES)
    assert summary.counts["certificate"] == Certificate.objects.count() > 0
    assert summary.counts["document"] == Document.objects.count() > 0


def test_it_holds_a_certificate_exactly_when_the_rules_engine_says_eligible():
    generate_load_data(applicants=400, seed=5, **SMALL)
    certified = set(Certificate.objects.values_list("applicant_id", flat=True))
    ids = list(Applicant.objects.order_by("pk").values_list("pk", flat=True))

    eligible = {applicant_id for applicant_id, a in assessments_in_batches(ids, batch_size=150) if a.eligible}

    assert eligible == certified
    # Certified applicants owe nothing (R-PAY-2); some of the others do.
    balances = dict(
        LedgerEntry.objects.values("applicant_id").annotate(t=Sum("amount")).values_list("applicant_id", "t")
    )
    assert all(balances.get(pk, Decimal(0)) <= 0 for pk in certified)
    assert any(total > 0 for total in balances.values())


def test_it_keeps_identity_ledger_and_certificate_invariants():
    generate_load_data(applicants=300, seed=9, **SMALL)

    ids = [a.usmle_id for a in Applicant.objects.exclude(usmle_id=None)]
    assert ids and all(usmle_id_is_valid(value) for value in ids)
    assert len(set(ids)) == len(ids)
    for applicant in Applicant.objects.exclude(last_name=""):
        assert applicant.last_name_folded == fold_name(applicant.last_name)
    # Every exam application has its own fee charge.
    for application in ExamApplication.objects.select_related("fee"):
        assert application.fee.kind == LedgerEntry.Kind.CHARGE and application.fee.amount > 0
        assert application.fee.applicant_id == application.applicant_id
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT, amount__gte=0).exists()
    # Certificate numbers carry their check digit and the counter continues after them.
    numbers = [c.number.replace("-", "") for c in Certificate.objects.all()]
    assert all(luhn_check_digit(n[:-1]) == n[-1] for n in numbers)
    assert CertificateCounter.objects.get(name="standard").last_value == len(numbers)
    for certificate in Certificate.objects.all():
        assert certificate.issued_on >= certificate.exam_requirements_met_on
        assert (certificate.revoked_on is not None) == certificate.is_revoked


def test_documents_share_one_small_sample_file():
    generate_load_data(applicants=200, seed=11, **SMALL)

    assert set(Document.objects.values_list("file", flat=True)) == {SAMPLE_FILE_NAME}
    assert default_storage.exists(SAMPLE_FILE_NAME)


def test_a_second_run_adds_more_without_collisions():
    generate_load_data(applicants=150, seed=1, **SMALL)
    generate_load_data(applicants=150, seed=1, **SMALL)

    assert Applicant.objects.count() == 300
    emails = Counter(User.objects.values_list("email", flat=True))
    assert max(emails.values()) == 1
    assert Certificate.objects.values("number").distinct().count() == Certificate.objects.count()


def test_the_command_prints_what_it_wrote(capsys):
    call_command("generate_load_data", applicants=50, seed=2, programs=5)

    out = capsys.readouterr().out
    assert "applicant" in out and "Done in" in out
    assert Applicant.objects.count() == 50
