"""Signal receivers of the verification app."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from .models import ApiKey, Organization
from .services.keys import api_keys_changed


def _key_or_organization_changed(sender: type, **kwargs: Any) -> None:
    # Any saved change (the admin's included) may revoke a right or deactivate an
    # organization: the processes' copies of the keys must not outlive it.
    api_keys_changed()


def connect() -> None:
    for model in (ApiKey, Organization):
        post_save.connect(_key_or_organization_changed, sender=model, dispatch_uid=f"keys-{model.__name__}")
        post_delete.connect(
            _key_or_organization_changed, sender=model, dispatch_uid=f"keys-del-{model.__name__}"
        )
