"""Staff admin for the issuer's credential keys and the status lists (R-VE-4).

Read-only records. Two actions, for holders of ``certificates.manage_issuer_keys``
(certificate officers and administrators): rotate (a new key signs new
credentials) and mark compromised from a date and time. Both are audited by the
services in ``certificates.issuer``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from ecfmg_portal.errors import DomainError

from .issuer import issuer_key_mark_compromised, issuer_key_rotate
from .models import IssuerKey, StatusList


class CompromisedForm(forms.Form):
    since = forms.DateTimeField(
        help_text="From when the key may have been in other hands (your time zone). "
        "Everything it signed from then on will fail verification.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(_ReadOnly):
    list_display = ("key_id", "active", "created_at", "retired_at", "compromised_since")
    readonly_fields = (
        "key_id",
        "public_key_multibase",
        "active",
        "created_at",
        "retired_at",
        "compromised_since",
    )
    exclude = ("private_key_encrypted",)
    actions = ("rotate", "mark_compromised")

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("certificates.manage_issuer_keys")

    @admin.action(description="Rotate: a new key signs new credentials from now on", permissions=["manage"])
    def rotate(self, request: HttpRequest, queryset: QuerySet[IssuerKey]) -> None:
        try:
            key = issuer_key_rotate(actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"New credentials are now signed with {key.key_id}.", messages.SUCCESS)

    @admin.action(description="Mark the selected keys compromised…", permissions=["manage"])
    def mark_compromised(self, request: HttpRequest, queryset: QuerySet[IssuerKey]) -> HttpResponse | None:
        form = CompromisedForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            for key in queryset:
                try:
                    issuer_key_mark_compromised(key=key, since=form.cleaned_data["since"], actor=request.user)
                    self.message_user(request, f"{key.key_id} is marked compromised.", messages.SUCCESS)
                except DomainError as error:
                    self.message_user(request, f"{key.key_id}: {error.message}", messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Mark keys compromised",
            "opts": self.model._meta,
            "keys": list(queryset),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/certificates/issuerkey/mark_compromised.html", context)


@admin.register(StatusList)
class StatusListAdmin(_ReadOnly):
    list_display = ("name", "size", "revision", "updated_at")
    readonly_fields = ("name", "size", "revision", "updated_at")
    exclude = ("bits",)
