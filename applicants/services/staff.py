"""Staff groups and what each may do (domain.md, "Who uses it").

Permissions are given by app and action, so a model added later to an app is
covered without editing this table. ``staff_groups_sync`` runs after every
migrate (see ``applicants.apps``) and is idempotent.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

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
        ("exams", ("view_", "add_examresult", "change_examresult")),
    ],
    CERTIFICATE_OFFICER: [
        ("applicants", ("view_applicant",)),
        ("certificates", ("view_", "change_certificate", "revoke_certificate", "reprint_certificate")),
    ],
    ADMINISTRATOR: [
        ("applicants", ("view_", "add_", "change_")),
        ("credentials", ("view_", "add_", "change_")),
        ("exams", ("view_", "add_", "change_")),
        ("certificates", ("view_", "add_", "change_", "revoke_", "reprint_")),
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


# Records that are facts once written: corrections are new entries, never edits.
NEVER_GRANTED: tuple[tuple[str, str], ...] = (
    ("applicants", "change_ledgerentry"),
    ("applicants", "delete_ledgerentry"),
    ("applicants", "change_providerevent"),
    ("audit", "change_auditentry"),
    ("audit", "delete_auditentry"),
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
