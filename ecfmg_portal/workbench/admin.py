"""Claims are taken and released by the review pages; administrators may look at them."""

from __future__ import annotations

from django.contrib import admin

from ecfmg_portal.admin_lists import ReadOnlyAdmin

from .models import Claim


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("queue", "object_id", "claimed_by", "claimed_at", "expires_at")
    list_filter = ("queue",)
    list_select_related = ("claimed_by",)
