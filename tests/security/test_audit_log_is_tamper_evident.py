"""``manage.py verify_audit_log`` detects an edited, deleted or reordered entry."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.audit.services import audit_record

from .conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEntry]:
    applicant = ApplicantFactory()
    return [audit_record(action=f"test.step{n}", obj=applicant, after={"step": n}) for n in range(1, 5)]


@contextmanager
def tampering() -> Iterator[None]:
    """Raw SQL as a database superuser would run it; on PostgreSQL the append-only
    trigger is bypassed first (replica mode skips triggers; superusers only), as an
    attacker with those rights would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        yield
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def run_verify(*args: str) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit_log", *args, stdout=out)
    except CommandError as error:
        assert error.returncode == 1
        return False, out.getvalue()
    return True, out.getvalue()


def test_intact_chain_passes_and_prints_its_head(chain):
    ok, output = run_verify()
    assert ok
    assert f"head 4:{chain[-1].entry_hash}" in output


def test_edited_entry_is_detected(chain):
    with tampering(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET action = %s WHERE sequence = 2", ["test.nothing-happened"]
        )
    ok, output = run_verify()
    assert not ok
    assert "entry #2: content was edited after it was written" in output


def test_edited_entry_with_a_recomputed_hash_breaks_the_next_link(chain):
    # The forger recomputes entry 2's own hash; entry 3 still points at the old one.
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET entry_hash = %s WHERE sequence = 2", ["f" * 64])
    ok, output = run_verify()
    assert not ok
    assert "entry #3: does not link to the entry before it" in output


def test_deleted_entry_is_detected(chain):
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 2")
    ok, output = run_verify()
    assert not ok
    assert "entry #3: expected entry #2: missing or reordered" in output


def test_reordered_entries_are_detected(chain):
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET sequence = 1000 WHERE sequence = 2")
        cursor.execute("UPDATE audit_auditentry SET sequence = 2 WHERE sequence = 3")
        cursor.execute("UPDATE audit_auditentry SET sequence = 3 WHERE sequence = 1000")
    ok, output = run_verify()
    assert not ok
    assert "entry #2:" in output and "entry #3:" in output


def test_removed_newest_entries_are_detected_against_a_recorded_head(chain):
    _, before = run_verify()
    head = before.strip().splitlines()[-1].removeprefix("head ")
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 4")
    assert run_verify()[0]  # a shorter chain is still a valid chain...
    ok, output = run_verify("--expect-head", head)
    assert not ok  # ...but not the one recorded
    assert "entry #4: missing" in output


def test_orm_cannot_edit_or_delete_entries(chain):
    entry = AuditEntry.objects.get(sequence=1)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValueError):
        AuditEntry.objects.filter(sequence=1).update(action="x")
    with pytest.raises(ValueError):
        AuditEntry.objects.all().delete()


def test_postgresql_refuses_raw_updates_and_deletes(chain):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    for sql in ("UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.count() == 4


def test_admin_shows_entries_read_only(chain, make_staff):
    client = verified_client(make_staff(superuser=True))
    entry = chain[0]
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    change = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "x"})
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action
    assert run_verify()[0]


def test_anonymous_cannot_read_the_audit_trail(chain):
    response = Client().get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 302
