"""Staff accounts and groups in the admin, through the privilege rules of
``applicants.services.staff``: no one reaches superuser, edits their own staff
fields, changes an account that holds more than they do, or gives a group a right
they do not hold. The forms check before saving (a clear message, nothing saved);
the services check again and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from applicants.services import staff
from ecfmg_portal.errors import DomainError

from .models import User


def _as_validation_error(error: DomainError) -> forms.ValidationError:
    return forms.ValidationError(error.message, code=error.code)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "is_staff", "is_active", "email_confirmed_at", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email",)
    readonly_fields = ("last_login", "date_joined", "email_confirmed_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Status", {"fields": ("is_active", "email_confirmed_at", "last_login", "date_joined")}),
        ("Staff", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups", "user_permissions")
    actions = ("unlock_sign_in",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        actor: Any = request.user
        if not actor.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions"]
            if obj is not None and obj.pk == actor.pk:
                fields += ["is_staff", "is_active"]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return bool(allowed and (obj is None or staff.staff_may_manage(actor=request.user, target=obj)))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return bool(allowed and (obj is None or staff.staff_may_manage(actor=request.user, target=obj)))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class CheckedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                if obj is not None:
                    try:
                        staff.staff_user_change_check(actor=actor, target=obj, changed=set(self.changed_data))
                    except DomainError as error:
                        raise _as_validation_error(error) from error
                return cleaned

        return CheckedForm

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            stored = User.objects.get(pk=obj.pk)
            staff.staff_user_change_check(actor=request.user, target=stored, changed=set(form.changed_data))
            request._staff_before = staff.staff_fields_snapshot(stored)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_staff_before", {} if change else None)
        if before is not None:
            staff.staff_user_changed(actor=request.user, target=form.instance, before=before)

    @admin.action(description="Unlock sign-in for the selected accounts", permissions=["change"])
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        unlocked = 0
        for user in queryset:
            try:
                staff.account_unlock(actor=request.user, user=user)
                unlocked += 1
            except DomainError as error:
                self.message_user(request, f"{user.email}: {error.message}", messages.ERROR)
        if unlocked:
            self.message_user(request, f"Sign-in unlocked for {unlocked} account(s).")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        actor: Any = request.user
        if obj is None or actor.is_superuser:
            return bool(allowed)
        return bool(allowed and not actor.groups.filter(pk=obj.pk).exists())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class CheckedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                try:
                    staff.staff_group_change_check(actor=actor, group=obj)
                    staff.staff_group_permissions_check(
                        actor=actor, group=obj or Group(), permissions=cleaned.get("permissions") or []
                    )
                except DomainError as error:
                    raise _as_validation_error(error) from error
                return cleaned

        return CheckedForm

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Permissions through the service (checked again, audited), not form.save_m2m().
        staff.staff_group_permissions_set(
            actor=request.user, group=form.instance, permissions=form.cleaned_data.get("permissions") or []
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
