"""Where the verifier gets ECFMG's DID document and status lists.

- ``PortalSources``: from this portal's database (the public page and the API).
- ``OfflineSources``: from files the operator gives, or fetched from ``SITE_URL``
  (only from there, at the fixed paths; never an address a file names), for
  ``manage.py verify_credential``.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.urls import reverse

from .issuer import did_document
from .models import Certificate, StatusList
from .status_lists import status_list_credential
from .verifier import SourceUnavailable

FETCH_TIMEOUT_SECONDS = 10
MAX_DOCUMENT_BYTES = 1024 * 1024


class PortalSources:
    def did_document(self) -> dict[str, Any]:
        return did_document()

    def status_list_credential(self, name: str) -> dict[str, Any]:
        status_list = StatusList.objects.filter(name=name).first()
        if status_list is None:
            raise SourceUnavailable(f"No status list {name}.")
        return status_list_credential(status_list)

    def revoked_on(self, certificate_number: str) -> datetime.date | None:
        return (
            Certificate.objects.filter(number=certificate_number, status=Certificate.Status.REVOKED)
            .values_list("revoked_on", flat=True)
            .first()
        )


def _load_file(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_bytes()[:MAX_DOCUMENT_BYTES].decode("utf-8"))
    except (OSError, ValueError) as error:
        raise SourceUnavailable(f"{path} cannot be read as JSON.") from error
    if not isinstance(value, dict):
        raise SourceUnavailable(f"{path} is not a JSON object.")
    return value


def _fetch(path: str) -> dict[str, Any]:
    url = settings.SITE_URL + path
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_SECONDS, allow_redirects=False, stream=True)
        response.raise_for_status()
        body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise SourceUnavailable(f"Could not fetch {url}: {type(error).__name__}.") from error
    if len(body) > MAX_DOCUMENT_BYTES:
        raise SourceUnavailable(f"{url} answered more than {MAX_DOCUMENT_BYTES} bytes.")
    try:
        value = json.loads(body.decode("utf-8"))
    except ValueError as error:
        raise SourceUnavailable(f"{url} did not answer JSON.") from error
    if not isinstance(value, dict):
        raise SourceUnavailable(f"{url} did not answer a JSON object.")
    return value


class OfflineSources:
    """Files when given (``--did-document``, ``--status-list``), else SITE_URL."""

    def __init__(self, *, did_document_file: Path | None = None, status_list_files: list[Path] | None = None):
        self._did_file = did_document_file
        self._status_files = status_list_files or []
        self.used: list[str] = []

    def did_document(self) -> dict[str, Any]:
        if self._did_file is not None:
            self.used.append(f"DID document from {self._did_file}")
            return _load_file(self._did_file)
        self.used.append(f"DID document from {settings.SITE_URL}/.well-known/did.json")
        return _fetch(reverse("issuer_did_document"))

    def status_list_credential(self, name: str) -> dict[str, Any]:
        url = settings.SITE_URL + reverse("credential_status_list", args=[name])
        for path in self._status_files:
            document = _load_file(path)
            if document.get("id") == url:
                self.used.append(f"status list {name} from {path}")
                return document
        if self._status_files:
            raise SourceUnavailable(f"None of the status list files is {url}.")
        self.used.append(f"status list {name} from {url}")
        return _fetch(reverse("credential_status_list", args=[name]))

    def revoked_on(self, certificate_number: str) -> datetime.date | None:
        return None  # the public list carries the bit, not the date
