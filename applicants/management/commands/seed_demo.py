"""``manage.py seed_demo``: demo data for ``make run``; prints where to log in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from applicants.demo.loader import APPLICANT_PASSWORD, STAFF_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load demo schools, staff, applicants at every stage and organization keys (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = seed_demo()
        site = settings.SITE_URL
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS(f"ECFMG Certification Portal demo is ready at {site}/"))
        write("")
        write(f"Applicant portal: {site}/login/   password for every demo applicant: {APPLICANT_PASSWORD}")
        for email, stage in summary.applicants:
            write(f"  {email:<28} {stage}")
        write("")
        write(f"Staff admin: {site}/admin/   password for every demo staff account: {STAFF_PASSWORD}")
        write("  Then the second factor: type one of the one-time codes in the login's code field (each")
        write("  works once; `make run` prints fresh ones), or add the otpauth:// URI to an authenticator")
        write("  app (Google Authenticator, FreeOTP...) and type its 6-digit code.")
        for email, role, uri, codes in summary.staff_logins:
            write(f"  {email:<28} {role}")
            write("    codes: " + "  ".join(codes))
            write(f"    TOTP:  {uri}")
        write("")
        write("Organization API keys (Authorization: Token <key>):")
        for name, key in summary.keys:
            write(f"  {name:<28} {key}")
        org_key = summary.keys[0][1]
        write("Try the Certification Verification Service:")
        write(
            f"  curl -s -X POST {site}/api/v1/verifications/ -H 'Authorization: Token {org_key}' "
            "-H 'Content-Type: application/json' "
            f"""-d '{{"usmle_id": "{summary.certified_usmle_id}", "last_name": "EL-SAYED", "date_of_birth": "1994-03-14"}}'"""
        )
        write("")
        write(f"E-mails the portal sends are written to {settings.EMAIL_FILE_PATH}")
        write("")
