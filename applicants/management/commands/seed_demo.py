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
        for email, role in summary.staff:
            write(f"  {email:<28} {role}")
        write("  Staff sign in with a second factor. Use one of these one-time codes for admin@ecfmg.test")
        write("  (each works once; run `make run` again for fresh ones), or add the TOTP secret to an app:")
        write("  codes: " + "  ".join(summary.otp_tokens))
        write(f"  TOTP: {summary.otp_uri}")
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
