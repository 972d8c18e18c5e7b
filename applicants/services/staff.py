"""Staff groups and what each may do (domain.md, "Who uses it").

Permissions are given by app and action, so a model added later to an app is
covered without editing this table. ``staff_groups_sync`` runs after every
migrate (see ``applicants.apps``) and is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed

from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError

REVIEWER = "reviewer"
FINANCE = "finance"
EXAMS_CLERK = "exams clerk"
CERTIFICATE_OFFICER = "certificate officer"
ADMINISTRATOR = "administrator"

# group -> list of (app_label, codename prefixes or exact codenames)
GROUP_PERMISSIONS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    REVIEWER: [
        (
            "applicants",
            ("view_applicant", "view_user", "view_identitychangerequest", "change_identitychangerequest"),
        ),
        ("credentials", ("view_", "change_", "add_")),
        ("exams", ("view_",)),
        ("certificates", ("view_",)),
    ],
    FINANCE: [
        (
            "applicants",
            ("view_applicant", "view_user", "view_ledgerentry", "add_ledgerentry", "view_providerevent"),
        ),
    ],
    EXAMS_CLERK: [
        ("applicants", ("view_applicant",)),
        ("exams", ("view_", "add_examresult", "change_examresult", "change_unmatchedresult")),
    ],
    CERTIFICATE_OFFICER: [
        ("applicants", ("view_applicant",)),
        (
            "certificates",
            (
                "view_",
                "change_certificate",
                "revoke_certificate",
                "reprint_certificate",
                "manage_issuer_keys",
            ),
        ),
    ],
    ADMINISTRATOR: [
        ("applicants", ("view_", "add_", "change_")),
        ("credentials", ("view_", "add_", "change_")),
        ("exams", ("view_", "add_", "change_")),
        ("certificates", ("view_", "add_", "change_", "revoke_", "reprint_", "manage_")),
        ("verification", ("view_", "add_", "change_")),
        ("eras", ("view_", "add_", "change_")),
        ("audit", ("view_",)),
        ("auth", ("view_", "add_", "change_")),
        # View and remove a lost device only: adding one for someone else would let an
        # administrator pass that person's second factor. Staff enrol their own.
        ("otp_totp", ("view_", "delete_")),
        ("otp_static", ("view_", "delete_")),
    ],
}


# Never held by any group or user, enforced on every change (``_refuse_never_granted``),
# not only by the sync: records that are facts once written (corrections are new
# entries, never edits); second factors, which staff enrol for themselves only (adding
# or changing one for someone else would pass that person's second factor); and the
# permission rows themselves, whose renaming would turn one right into another.
NEVER_GRANTED: tuple[tuple[str, str], ...] = (
    ("applicants", "change_ledgerentry"),
    ("applicants", "delete_ledgerentry"),
    ("applicants", "change_providerevent"),
    ("audit", "change_auditentry"),
    ("audit", "delete_auditentry"),
    ("otp_totp", "add_totpdevice"),
    ("otp_totp", "change_totpdevice"),
    ("otp_static", "add_staticdevice"),
    ("otp_static", "change_staticdevice"),
    ("otp_static", "add_statictoken"),
    ("otp_static", "change_statictoken"),
    ("auth", "add_permission"),
    ("auth", "change_permission"),
    ("auth", "delete_permission"),
)


def permissions_for(group_name: str) -> list[Permission]:
    condition = Q(pk__in=[])
    for app_label, codes in GROUP_PERMISSIONS[group_name]:
        for code in codes:
            lookup = {"codename__startswith": code} if code.endswith("_") else {"codename": code}
            condition |= Q(content_type__app_label=app_label, **lookup)
    for app_label, codename in NEVER_GRANTED:
        condition &= ~Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(condition))


def staff_groups_sync() -> dict[str, int]:
    """Create the staff groups and set their permissions. Returns permission counts."""
    counts: dict[str, int] = {}
    for name in GROUP_PERMISSIONS:
        group, _ = Group.objects.get_or_create(name=name)
        perms = permissions_for(name)
        group.permissions.set(perms)
        counts[name] = len(perms)
    return counts


# --- Who may change whose rights -------------------------------------------------------
#
# Superusers may change anything (but never grant a NEVER_GRANTED permission). Anyone
# else may not: make anyone a superuser, change group membership or direct
# permissions (the admin shows those read-only), edit their own staff fields, edit a
# group they belong to, give a group a permission they do not hold themselves, or
# change an account that holds more than they do (resetting a superuser's password
# or removing their device would be a way up). Every change is audited.


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def never_granted_ids() -> set[int]:
    condition = Q(pk__in=[])
    for app_label, codename in NEVER_GRANTED:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return set(Permission.objects.filter(condition).values_list("pk", flat=True))


def _permissions_held(user: Any) -> set[str]:
    return set(user.get_all_permissions()) if user.is_active else set()


def staff_may_manage(*, actor: Any, target: Any) -> bool:
    """Whether ``actor`` may change ``target``'s account (password, e-mail, devices, status)."""
    if actor.is_superuser:
        return True
    if target is None or target.pk is None:
        return True
    if target.is_superuser:
        return False
    if target.pk == actor.pk:
        return True  # own e-mail or password; the staff fields are refused separately
    return _permissions_held(target) <= _permissions_held(actor)


STAFF_FIELDS = ("is_staff", "is_superuser", "is_active", "groups", "user_permissions")


def staff_user_change_check(*, actor: Any, target: Any, changed: set[str]) -> None:
    """Refuse a change to ``target`` that ``actor`` may not make (``changed``: field names)."""
    if actor.is_superuser:
        return
    if not staff_may_manage(actor=actor, target=target):
        raise DomainError(
            "staff_outranks_you", "You cannot change an account that holds more rights than you."
        )
    if "is_superuser" in changed:
        raise DomainError(
            "superuser_refused", "Only a superuser can make or unmake a superuser.", field="is_superuser"
        )
    for field in ("groups", "user_permissions"):
        if field in changed:
            raise DomainError(
                "rights_refused", "Only a superuser can change groups and permissions.", field=field
            )
    if target.pk is not None and target.pk == actor.pk and changed & set(STAFF_FIELDS):
        raise DomainError("own_staff_fields", "You cannot change your own staff status.")


def staff_user_changed(*, actor: Any, target: Any, before: dict[str, Any]) -> None:
    """Audit a saved change of staff fields (``before``: the values as they were)."""
    after = staff_fields_snapshot(target)
    changed = {key: after[key] for key in after if after[key] != before.get(key)}
    if changed:
        audit_record(
            action="user.staff_changed",
            obj=target,
            actor=actor,
            before={key: before.get(key) for key in changed},
            after=changed,
        )


def staff_fields_snapshot(user: Any) -> dict[str, Any]:
    if user.pk is None:
        return {"is_staff": user.is_staff, "is_superuser": user.is_superuser, "is_active": user.is_active}
    return {
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_active": user.is_active,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(_label(p) for p in user.user_permissions.select_related("content_type")),
    }


def staff_group_permissions_check(
    *, actor: Any, group: Group, permissions: Iterable[Permission]
) -> tuple[list[Permission], list[Permission]]:
    """The permissions ``actor`` would add and remove; refused if the rules above forbid it."""
    wanted = {p.pk: p for p in permissions}
    current = {p.pk: p for p in group.permissions.select_related("content_type")} if group.pk else {}
    added = [wanted[pk] for pk in wanted.keys() - current.keys()]
    removed = [current[pk] for pk in current.keys() - wanted.keys()]
    for pk in sorted(wanted.keys() & never_granted_ids()):
        raise DomainError("never_granted", f"No group may hold {_label(wanted[pk])}.", field="permissions")
    if not actor.is_superuser:
        if group.pk is not None and actor.groups.filter(pk=group.pk).exists():
            raise DomainError("own_group", "You cannot change the rights of a group you belong to.")
        held = _permissions_held(actor)
        beyond = sorted(_label(p) for p in [*added, *removed] if _label(p) not in held)
        if beyond:
            raise DomainError(
                "rights_not_held",
                "You can only give or take rights you hold yourself: " + ", ".join(beyond) + ".",
                field="permissions",
            )
    return added, removed


@transaction.atomic
def staff_group_permissions_set(*, actor: Any, group: Group, permissions: Iterable[Permission]) -> None:
    """Set a group's permissions as ``actor``: the rules above, then an audit entry."""
    wanted = list(permissions)
    added, removed = staff_group_permissions_check(actor=actor, group=group, permissions=wanted)
    if not added and not removed:
        return
    group.permissions.set(wanted)
    audit_record(
        action="group.permissions_changed",
        obj=group,
        actor=actor,
        after={"added": sorted(_label(p) for p in added), "removed": sorted(_label(p) for p in removed)},
    )


def staff_group_change_check(*, actor: Any, group: Group | None) -> None:
    """Renaming or deleting a group is refused for its own members (unless superuser)."""
    if actor.is_superuser or group is None or group.pk is None:
        return
    if actor.groups.filter(pk=group.pk).exists():
        raise DomainError("own_group", "You cannot change a group you belong to.")


def _refuse_never_granted(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **_: Any
) -> None:
    """m2m_changed on Group.permissions and User.user_permissions: every path, not only the admin."""
    if action != "pre_add" or not pk_set:
        return
    forbidden = never_granted_ids()
    # reverse: permission.group_set.add(...) or permission.user_set.add(...)
    if (instance.pk in forbidden) if reverse else bool(set(pk_set) & forbidden):
        raise DomainError("never_granted", "This permission is never granted to any group or user.")


def connect_privilege_guards() -> None:
    from django.contrib.auth import get_user_model

    m2m_changed.connect(
        _refuse_never_granted, sender=Group.permissions.through, dispatch_uid="staff.never_granted.group"
    )
    m2m_changed.connect(
        _refuse_never_granted,
        sender=get_user_model().user_permissions.through,
        dispatch_uid="staff.never_granted.user",
    )


def account_unlock(*, actor: Any, user: Any) -> int:
    """Clear the login lockout of ``user`` (every address); audited. Returns attempts cleared."""
    from axes.utils import reset

    if not staff_may_manage(actor=actor, target=user):
        raise DomainError(
            "staff_outranks_you", "You cannot change an account that holds more rights than you."
        )
    with transaction.atomic():
        cleared = int(reset(username=user.get_username()))
        audit_record(action="user.unlocked", obj=user, actor=actor, after={"attempts_cleared": cleared})
    return cleared
