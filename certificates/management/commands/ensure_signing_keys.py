"""``manage.py ensure_signing_keys``: the development signing keys, created once.

Makes the local CA and PDF signing certificate under ``SIGNING_DEV_DIR``
(``var/signing/``) unless they exist, and the issuer's first Ed25519 key. With
``PDF_SIGNING_*`` files configured (production) it only checks they load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ...issuer import issuer_did, issuer_key_active
from ...signing.pdf_keys import ensure_dev_signing_keys, pdf_signing_material, signing_files_configured


class Command(BaseCommand):
    help = "Create the development PDF signing CA and certificate under var/ and the issuer key, if missing."

    def handle(self, *args: Any, **options: Any) -> None:
        if signing_files_configured():
            material = pdf_signing_material()
            self.stdout.write(f"PDF signing key from the configured files: {material.signer_name}.")
        else:
            directory = Path(settings.SIGNING_DEV_DIR)
            created = ensure_dev_signing_keys(directory)
            state = "Created" if created else "Kept"
            self.stdout.write(f"{state} the development PDF signing CA and certificate in {directory}.")
        key = issuer_key_active()
        self.stdout.write(f"Issuer {issuer_did()} signs credentials with {key.key_id}.")
