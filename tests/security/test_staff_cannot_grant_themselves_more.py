"""Issue 11, section 3: no staff group can reach superuser, grant a right it does not
hold, edit its own staff fields, or hold a never-granted permission by any path."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import Client
from django.urls import reverse

from applicants.models import User
from applicants.services.staff import (
    ADMINISTRATOR,
    CERTIFICATE_OFFICER,
    EXAMS_CLERK,
    FINANCE,
    GROUP_PERMISSIONS,
    NEVER_GRANTED,
    REVIEWER,
    account_unlock,
    staff_group_permissions_set,
    staff_groups_sync,
)
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.errors import DomainError

from .conftest import STAFF_PASSWORD, verified_client

pytestmark = pytest.mark.django_db
GROUPS = [REVIEWER, FINANCE, EXAMS_CLERK, CERTIFICATE_OFFICER, ADMINISTRATOR]


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def member_of(group_name: str, email: str = "member@ecfmg.test") -> User:
    staff_groups_sync()
    user = User.objects.create_user(email=email, password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def user_form(user: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "user_permissions": [],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def group_form(group: Group, permissions: list[Permission]) -> dict[str, Any]:
    return {"name": group.name, "permissions": [str(p.pk) for p in permissions]}


@pytest.mark.parametrize("group_name", GROUPS)
def test_no_member_can_make_themselves_superuser_or_join_another_group(group_name):
    member = member_of(group_name)
    administrators = Group.objects.get(name=ADMINISTRATOR)
    client = verified_client(member)
    client.post(
        reverse("admin:applicants_user_change", args=[member.pk]),
        user_form(member, is_superuser="on", groups=[str(administrators.pk)]),
    )
    member.refresh_from_db()
    assert not member.is_superuser
    assert list(member.groups.values_list("name", flat=True)) == [group_name]
    assert not member.user_permissions.exists()


@pytest.mark.parametrize("group_name", GROUPS)
def test_no_member_can_make_another_account_superuser(group_name):
    member = member_of(group_name)
    other = User.objects.create_user(email="other@ecfmg.test", password=STAFF_PASSWORD, is_staff=True)
    verified_client(member).post(
        reverse("admin:applicants_user_change", args=[other.pk]),
        user_form(other, is_superuser="on", user_permissions=[str(perm("audit.view_auditentry").pk)]),
    )
    other.refresh_from_db()
    assert not other.is_superuser
    assert not other.user_permissions.exists()


def test_the_staff_fields_are_read_only_for_an_administrator():
    member = member_of(ADMINISTRATOR)
    other = User.objects.create_user(email="other@ecfmg.test", password=STAFF_PASSWORD, is_staff=True)
    page = verified_client(member).get(reverse("admin:applicants_user_change", args=[other.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    for field in ("is_superuser", "groups", "user_permissions"):
        assert field not in form.fields
    assert "is_staff" in form.fields  # another account's staff flag: yes; own: no (below)
    own = verified_client(member).get(reverse("admin:applicants_user_change", args=[member.pk]))
    assert "is_staff" not in own.context["adminform"].form.fields


def test_an_administrator_cannot_switch_off_their_own_staff_status_or_account():
    member = member_of(ADMINISTRATOR)
    verified_client(member).post(
        reverse("admin:applicants_user_change", args=[member.pk]),
        user_form(member, is_staff=None, is_active=None),
    )
    member.refresh_from_db()
    assert member.is_staff and member.is_active


def test_an_administrator_cannot_take_over_a_superuser_account():
    member = member_of(ADMINISTRATOR)
    boss = User.objects.create_superuser(email="boss@ecfmg.test", password=STAFF_PASSWORD)
    client = verified_client(member)
    page = client.get(reverse("admin:applicants_user_change", args=[boss.pk]))
    assert b'name="_save"' not in page.content  # shown read-only at most
    password = client.post(
        f"/admin/applicants/user/{boss.pk}/password/",
        {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"},
    )
    assert password.status_code == 403
    boss.refresh_from_db()
    assert boss.check_password(STAFF_PASSWORD)
    client.post(
        reverse("admin:applicants_user_change", args=[boss.pk]),
        user_form(boss, email="mine@ecfmg.test", is_superuser="on"),
    )
    boss.refresh_from_db()
    assert boss.email == "boss@ecfmg.test"


def test_an_administrator_cannot_change_an_account_holding_rights_they_lack():
    member = member_of(ADMINISTRATOR)
    holder = User.objects.create_user(email="holder@ecfmg.test", password=STAFF_PASSWORD, is_staff=True)
    holder.user_permissions.add(perm("auth.delete_group"))  # administrators lack it
    client = verified_client(member)
    assert (
        client.post(
            reverse("admin:applicants_user_change", args=[holder.pk]), user_form(holder, is_staff=None)
        ).status_code
        == 403
    )
    response = client.post(
        f"/admin/applicants/user/{holder.pk}/password/",
        {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("group_name", GROUPS)
def test_no_group_may_hold_a_never_granted_permission_by_any_path(group_name):
    staff_groups_sync()
    group = Group.objects.get(name=group_name)
    user = User.objects.create_user(email="direct@ecfmg.test", password=STAFF_PASSWORD, is_staff=True)
    for app_label, codename in NEVER_GRANTED:
        forbidden = perm(f"{app_label}.{codename}")
        with pytest.raises(DomainError), transaction.atomic():
            group.permissions.add(forbidden)
        with pytest.raises(DomainError), transaction.atomic():
            forbidden.group_set.add(group)
        with pytest.raises(DomainError), transaction.atomic():
            user.user_permissions.add(forbidden)
        with pytest.raises(DomainError), transaction.atomic():
            forbidden.user_set.add(user)
        with pytest.raises(DomainError), transaction.atomic():
            group.permissions.set([*group.permissions.all(), forbidden])
    assert not group.permissions.filter(pk__in=[perm(f"{a}.{c}").pk for a, c in NEVER_GRANTED]).exists()


def test_not_even_a_superuser_can_give_a_group_a_never_granted_permission():
    staff_groups_sync()
    boss = User.objects.create_superuser(email="boss@ecfmg.test", password=STAFF_PASSWORD)
    group = Group.objects.get(name=ADMINISTRATOR)
    response = verified_client(boss).post(
        reverse("admin:auth_group_change", args=[group.pk]),
        group_form(group, [*group.permissions.all(), perm("otp_totp.add_totpdevice")]),
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "No group may hold otp_totp.add_totpdevice" in response.content.decode()
    assert not group.permissions.filter(codename="add_totpdevice").exists()


@pytest.mark.parametrize(
    "wanted",
    [
        "otp_totp.add_totpdevice",
        "applicants.change_ledgerentry",
        "audit.delete_auditentry",
        "auth.delete_group",
    ],
)
def test_an_administrator_cannot_give_another_group_a_right_they_do_not_hold(wanted):
    member = member_of(ADMINISTRATOR)
    reviewers = Group.objects.get(name=REVIEWER)
    before = set(reviewers.permissions.values_list("pk", flat=True))
    response = verified_client(member).post(
        reverse("admin:auth_group_change", args=[reviewers.pk]),
        group_form(reviewers, [*reviewers.permissions.all(), perm(wanted)]),
    )
    assert response.status_code == 200
    assert set(reviewers.permissions.values_list("pk", flat=True)) == before
    # Nor by creating a new group holding it.
    verified_client(member).post(
        reverse("admin:auth_group_add"), {"name": "sneaky", "permissions": [perm(wanted).pk]}
    )
    assert not Group.objects.filter(name="sneaky").exists()


def test_an_administrator_cannot_change_their_own_group():
    member = member_of(ADMINISTRATOR)
    administrators = Group.objects.get(name=ADMINISTRATOR)
    before = set(administrators.permissions.values_list("pk", flat=True))
    response = verified_client(member).post(
        reverse("admin:auth_group_change", args=[administrators.pk]),
        group_form(administrators, [*administrators.permissions.all(), perm("auth.delete_group")]),
    )
    assert response.status_code == 403  # read-only for its own members
    assert set(administrators.permissions.values_list("pk", flat=True)) == before


def test_an_administrator_may_give_a_right_they_hold_and_it_is_audited():
    member = member_of(ADMINISTRATOR)
    reviewers = Group.objects.get(name=REVIEWER)
    wanted = perm("verification.view_organization")
    response = verified_client(member).post(
        reverse("admin:auth_group_change", args=[reviewers.pk]),
        group_form(reviewers, [*reviewers.permissions.all(), wanted]),
    )
    assert response.status_code == 302
    assert reviewers.permissions.filter(pk=wanted.pk).exists()
    entry = AuditEntry.objects.get(action="group.permissions_changed")
    assert entry.actor_id == member.pk
    assert entry.after == {"added": ["verification.view_organization"], "removed": []}


@pytest.mark.parametrize("group_name", [REVIEWER, FINANCE, EXAMS_CLERK, CERTIFICATE_OFFICER])
def test_other_groups_cannot_open_user_or_group_changes_at_all(group_name):
    member = member_of(group_name)
    client = verified_client(member)
    reviewers = Group.objects.get(name=REVIEWER)
    assert client.get(reverse("admin:auth_group_change", args=[reviewers.pk])).status_code == 403
    assert client.post(reverse("admin:auth_group_add"), {"name": "x"}).status_code == 403
    before = set(Group.objects.get(name=REVIEWER).permissions.values_list("pk", flat=True))
    assert (
        client.post(reverse("admin:auth_group_change", args=[reviewers.pk]), {"name": "x"}).status_code == 403
    )
    assert set(reviewers.permissions.values_list("pk", flat=True)) == before
    own = client.post(
        reverse("admin:applicants_user_change", args=[member.pk]), user_form(member, is_superuser="on")
    )
    assert own.status_code == 403


def test_the_service_refuses_the_same_things_outside_the_admin():
    member = member_of(ADMINISTRATOR)
    reviewers = Group.objects.get(name=REVIEWER)
    with pytest.raises(DomainError, match="hold yourself"):
        staff_group_permissions_set(
            actor=member,
            group=reviewers,
            permissions=[*reviewers.permissions.all(), perm("auth.delete_group")],
        )
    with pytest.raises(DomainError, match="belong to"):
        staff_group_permissions_set(actor=member, group=Group.objects.get(name=ADMINISTRATOR), permissions=[])


def test_every_group_permission_table_leaves_out_the_never_granted_ones():
    staff_groups_sync()
    forbidden = {perm(f"{a}.{c}").pk for a, c in NEVER_GRANTED}
    for name in GROUP_PERMISSIONS:
        assert not set(Group.objects.get(name=name).permissions.values_list("pk", flat=True)) & forbidden


def test_staff_changes_of_an_account_are_audited():
    boss = User.objects.create_superuser(email="boss@ecfmg.test", password=STAFF_PASSWORD)
    staff_groups_sync()
    other = User.objects.create_user(email="other@ecfmg.test", password=STAFF_PASSWORD)
    reviewers = Group.objects.get(name=REVIEWER)
    response = verified_client(boss).post(
        reverse("admin:applicants_user_change", args=[other.pk]),
        user_form(other, groups=[str(reviewers.pk)]),
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.staff_changed")
    assert entry.after == {"is_staff": True, "groups": [REVIEWER]}
    assert entry.before == {"is_staff": False, "groups": []}


def test_staff_unlock_a_locked_account_from_the_admin_and_it_is_audited(axes_reset, settings):
    from applicants.tests.factories import UserFactory

    member = member_of(ADMINISTRATOR)
    locked = UserFactory(email="locked@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            reverse("login"), {"username": locked.email, "password": "nope"}, REMOTE_ADDR="192.0.2.1"
        )
    attempt = Client().post(
        reverse("login"),
        {"username": locked.email, "password": "correct-horse-battery-9"},
        REMOTE_ADDR="192.0.2.1",
    )
    assert attempt.status_code == 429
    response = verified_client(member).post(
        reverse("admin:applicants_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [locked.pk]},
        follow=True,
    )
    assert "Sign-in unlocked for 1 account(s)." in response.content.decode()
    again = Client().post(
        reverse("login"),
        {"username": locked.email, "password": "correct-horse-battery-9"},
        REMOTE_ADDR="192.0.2.1",
    )
    assert again.status_code == 302
    entry = AuditEntry.objects.get(action="user.unlocked")
    assert (entry.actor_id, entry.object_id, entry.after) == (
        member.pk,
        str(locked.pk),
        {"attempts_cleared": 1},
    )


def test_unlocking_a_superuser_is_refused_to_an_administrator():
    member = member_of(ADMINISTRATOR)
    boss = User.objects.create_superuser(email="boss@ecfmg.test", password=STAFF_PASSWORD)
    with pytest.raises(DomainError):
        account_unlock(actor=member, user=boss)
