"""eras_feed and eras_program: what a newcomer runs to try ERAS against `make run`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from verification.eras.models import FeedAccess
from verification.models import Organization

from .factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_eras_feed_grants_the_right_once(feed_plain):
    call_command("eras_feed", organization=feed_plain.name)
    call_command("eras_feed", organization=feed_plain.name)
    assert FeedAccess.objects.filter(organization=feed_plain).count() == 1


def test_eras_feed_refuses_an_unknown_organization():
    with pytest.raises(CommandError):
        call_command("eras_feed", organization="Nobody")


def test_eras_program_sets_the_id_and_prints_the_webhook_secret_last(capsys):
    program = ProgramFactory.create(name="Pediatrics, Mercy", acgme_program_id=None)
    call_command(
        "eras_program",
        organization=program.name,
        acgme_program_id="3204121099",
        webhook_url="http://127.0.0.1:9000/hook",
    )
    program.refresh_from_db()
    assert program.acgme_program_id == "3204121099"
    assert capsys.readouterr().out.strip().splitlines()[-1] == program.webhook_secret


@pytest.mark.parametrize("acgme_program_id", ["12345", "abcdefghij", "1404121001"])
def test_eras_program_refuses_a_bad_or_taken_id(program, acgme_program_id):
    other = ProgramFactory.create(name="Surgery, Mercy", acgme_program_id=None)
    with pytest.raises(CommandError):
        call_command("eras_program", organization=other.name, acgme_program_id=acgme_program_id)


def test_eras_program_refuses_an_organization_that_is_not_a_program():
    board = ProgramFactory.create(kind=Organization.Kind.LICENSING_AUTHORITY, acgme_program_id=None)
    with pytest.raises(CommandError):
        call_command("eras_program", organization=board.name, acgme_program_id="3204121099")
