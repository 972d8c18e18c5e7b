"""``manage.py verify_audit_log`` detects an edited, forged, deleted, reordered or cut-off entry."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.audit.heads import RecordedHead, audit_head_record
from ecfmg_portal.audit.models import SCHEME_HMAC, SCHEME_SHA256, AuditEntry
from ecfmg_portal.audit.services import GENESIS_HASH, audit_record, entry_digest
from ecfmg_portal.audit.tasks import audit_head_record_task

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


# --- Issue 11, section 6: every field keyed, TRUNCATE refused, the head kept outside ------


@pytest.fixture(autouse=True)
def _own_head_folder(settings):
    """Each test records heads in a folder of its own, removed afterwards."""
    settings.AUDIT_HEAD_PREFIX = f"audit-heads-test/{uuid.uuid4().hex}/"
    yield
    folder = settings.AUDIT_HEAD_PREFIX.rstrip("/")
    if default_storage.exists(folder):
        for name in default_storage.listdir(folder)[1]:
            default_storage.delete(f"{folder}/{name}")


def test_an_edited_actor_label_is_detected(chain):
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = %s WHERE sequence = 2", ["staff #1"])
    ok, output = run_verify()
    assert not ok
    assert "entry #2: content was edited after it was written" in output


def test_each_field_is_covered_by_the_mac(chain):
    edits = {
        "action": "'x'",
        "object_type": "'x.y'",
        "object_id": "'999'",
        "after": "'{}'",
        "before": "'{\"a\": 1}'",
        "actor_label": "'user #9'",
        "at": "'2001-01-01 00:00:00'",
        "scheme": "'sha256'",
    }
    for column, value in edits.items():
        with transaction.atomic():
            with tampering(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE audit_auditentry SET {column} = {value} WHERE sequence = 3")  # noqa: S608
            ok, output = run_verify()
            assert not ok, column
            assert "entry #3:" in output, column
            transaction.set_rollback(True)


def test_an_entry_forged_with_a_recomputed_plain_hash_is_detected(chain):
    # Someone with database access recomputes the link as the old chain did (SHA-256 of
    # the content): without the key the MAC cannot be matched.
    last = chain[-1]
    forged = dict(
        sequence=5,
        at=last.at.isoformat(),
        actor_id=None,
        actor_label="system",
        action="test.forged",
        object_type=last.object_type,
        object_id=last.object_id,
        before={},
        after={"forged": True},
        previous_hash=last.entry_hash,
    )
    for digest in (
        entry_digest(**forged, scheme=SCHEME_SHA256),
        hmac.new(b"a guessed key", json.dumps(forged, sort_keys=True).encode(), hashlib.sha256).hexdigest(),
    ):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO audit_auditentry (sequence, at, actor_label, action, object_type, object_id,"
                    " before, after, previous_hash, entry_hash, scheme)"
                    " VALUES (5, %s, 'system', 'test.forged', %s, %s, '{}', '{\"forged\": true}', %s, %s, %s)",
                    [last.at, last.object_type, last.object_id, last.entry_hash, digest, SCHEME_HMAC],
                )
            ok, output = run_verify()
            assert not ok
            assert "entry #5: content was edited after it was written" in output
            transaction.set_rollback(True)


def test_a_different_key_makes_every_keyed_entry_fail(chain, settings):
    settings.AUDIT_HMAC_KEY = "another-key-" + "k" * 40
    ok, output = run_verify()
    assert not ok
    assert output.count("content was edited after it was written") == 4


def test_entries_written_before_the_key_still_verify_with_their_own_scheme():
    applicant = ApplicantFactory()
    legacy_digest = entry_digest(
        sequence=1,
        at="2026-01-01T00:00:00+00:00",
        actor_id=None,
        action="legacy.step",
        object_type="applicants.applicant",
        object_id=str(applicant.pk),
        before={},
        after={},
        previous_hash=GENESIS_HASH,
        scheme=SCHEME_SHA256,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (sequence, at, actor_label, action, object_type, object_id, before,"
            " after, previous_hash, entry_hash, scheme) VALUES (1, %s, 'system', 'legacy.step',"
            " 'applicants.applicant', %s, '{}', '{}', %s, %s, 'sha256')",
            [
                datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                str(applicant.pk),
                GENESIS_HASH,
                legacy_digest,
            ],
        )
    audit_record(action="test.after", obj=applicant)
    ok, output = run_verify()
    assert ok, output
    assert "1 entries predate the keyed chain" in output
    assert AuditEntry.objects.get(sequence=2).scheme == SCHEME_HMAC


def test_cutting_the_tail_is_caught_by_the_recorded_head_alone(chain):
    assert audit_head_record() == RecordedHead(4, chain[-1].entry_hash)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence >= 3")
    ok, output = run_verify()
    assert not ok
    assert "entry #4: missing (the newest entries were removed; the recorded head)" in output


def test_an_emptied_log_where_a_head_was_recorded_is_a_failure(chain):
    audit_head_record()
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    ok, output = run_verify()
    assert not ok
    assert "the log is empty, but head #4 was recorded" in output


def test_an_empty_log_with_no_recorded_head_is_fine():
    ok, output = run_verify()
    assert ok
    assert "no head was ever recorded" in output


def test_a_forged_head_file_is_reported_and_not_trusted(chain, settings):
    audit_head_record()
    forged = f"{settings.AUDIT_HEAD_PREFIX}head-{999:015d}.json"
    default_storage.save(
        forged, ContentFile(json.dumps({"sequence": 999, "entry_hash": "0" * 64, "mac": "0"}))
    )
    ok, output = run_verify()
    assert not ok
    assert "its MAC does not hold" in output
    assert "entry #999" not in output  # the genuine head (4) is the one checked


def test_the_head_goes_to_the_log_too_and_beat_records_it(chain, caplog, settings):
    caplog.set_level(logging.INFO, logger="ecfmg_portal.audit.heads")
    assert audit_head_record_task() == 4
    assert f"audit head 4:{chain[-1].entry_hash}" in caplog.text
    assert settings.CELERY_BEAT_SCHEDULE["audit-head-record"]["task"] == (
        "ecfmg_portal.audit.tasks.audit_head_record_task"
    )


def test_postgresql_refuses_truncate(chain):
    if connection.vendor != "postgresql":
        pytest.skip("the TRUNCATE trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ecfmg.allow_audit_truncate = 'off'")  # as every non-test connection
        cursor.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.count() == 4
