"""The admin site: staff must be verified by a TOTP device on every admin page.

``PortalAdminSite`` is the default ``admin.site`` (``ecfmg_portal.apps.PortalAdminConfig``),
so ``@admin.register`` keeps working everywhere. A staff member without a device
who signs in with their password is sent to the enrolment page, and leaves it
with ten backup codes shown once; everyone else signs in with password and code
together. The index is the home page of work (``ecfmg_portal.workbench``): the
queues the user's permissions allow, then the tables, then, for administrators
only, the administration tables.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import urlencode
from django.template.loader import get_template
from django.urls import URLPattern, URLResolver, get_script_prefix, path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecfmg_portal.errors import DomainError
from ecfmg_portal.security import mfa
from ecfmg_portal.workbench import views as workbench_views


def _is_verified(user: Any) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def _needs_enrolment(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not _is_verified(user)
        and not user_has_device(user, confirmed=True)
    )


class PortalAdminAuthenticationForm(OTPAdminAuthenticationForm):
    """Password and code. A staff member with no device yet passes on the password
    alone; the site then allows only the enrolment page until a device is confirmed."""

    def clean(self) -> dict[str, Any]:
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user: Any) -> Any:
        """When no device is picked, the code's shape picks it: 6 digits come from the
        authenticator app, anything else is a one-time backup (static) token. Only that
        one device is tried, so the others are never throttled by the attempt."""
        device = super()._chosen_device(user)
        if device is not None:
            return device
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if len(token) == 6 and token.isdigit():
            return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        # Backup codes and demo codes may sit on different static devices: try the one holding it.
        devices = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk")
        return devices.filter(token_set__token=token).first() or devices.first()


class MfaEnrolForm(forms.Form):
    token = forms.CharField(label="6-digit code from your app", max_length=10)


class PortalAdminSite(OTPAdminSite):
    site_header = "ECFMG Certification Portal: staff"
    site_title = "ECFMG staff"
    index_title = "Staff administration"
    login_form = PortalAdminAuthenticationForm

    # Distinct permission sets seen: one per staff role in practice; cleared past this.
    APP_LIST_CACHE_SIZE = 256
    # Per app list, one sidebar per page kind that highlights a different row (about 50).
    NAV_SIDEBAR_CACHE_SIZE = 4096

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self._app_lists: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self._nav_sidebars: dict[tuple[Any, ...], SafeString] = {}

    def _app_list_key(self, request: HttpRequest, app_label: str | None) -> tuple[Any, ...]:
        """Everything Django's app list depends on: the user's permissions on each model,
        the language and the URL prefix."""
        return (
            app_label,
            get_language(),
            get_script_prefix(),
            tuple(
                (
                    model._meta.label,
                    model_admin.has_module_permission(request),
                    *sorted(model_admin.get_model_perms(request).items()),
                )
                for model, model_admin in self._registry.items()
            ),
        )

    def _shared_app_list(
        self, request: HttpRequest, app_label: str | None
    ) -> tuple[tuple[Any, ...], list[Any]]:
        key = self._app_list_key(request, app_label)
        app_list = self._app_lists.get(key)
        if app_list is None:
            if len(self._app_lists) >= self.APP_LIST_CACHE_SIZE:
                self._app_lists.clear()
            app_list = self._app_lists[key] = super().get_app_list(request, app_label)
        return key, app_list

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        """Django's app list (every admin page's sidebar, the home page's tables), built
        once per set of permissions: it reverses two URLs per model, 10 ms of each admin
        page at 42 models. What it holds depends only on the user's permissions on each
        model, the language and the URL prefix, all of which are in the key, so a
        permission granted or withdrawn shows on the next page."""
        _, app_list = self._shared_app_list(request, app_label)
        # Copies down to the model rows: callers may add to or sort what they get.
        return [{**app, "models": [dict(row) for row in app["models"]]} for app in app_list]

    def nav_sidebar_app_list(self, request: HttpRequest) -> SafeString:
        """The sidebar's app list as Django's ``admin/app_list.html`` renders it, rendered
        once per app list and set of highlighted rows: the template walks every model
        (4.5 ms of each admin page at 42 models, a quarter of a staff list). Besides the
        app list (permissions, language, prefix) it reads only which app and model URLs
        are part of the page's path, which is the rest of the key."""
        key, app_list = self._shared_app_list(request, None)
        path = urlencode(request.path)
        urls = (
            url for app in app_list for url in (app["app_url"], *(m.get("admin_url") for m in app["models"]))
        )
        current = tuple(url for url in urls if url is not None and url in path)
        html = self._nav_sidebars.get((key, current))
        if html is None:
            if len(self._nav_sidebars) >= self.NAV_SIDEBAR_CACHE_SIZE:
                self._nav_sidebars.clear()
            # No context processors: the template reads only these three names.
            rendered = get_template("admin/app_list.html").render(
                {"app_list": self.get_app_list(request), "show_changelinks": False, "request": request}
            )
            html = self._nav_sidebars[(key, current)] = mark_safe(rendered)  # a template's output
        return html

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        # Called by the template (templates/admin/nav_sidebar.html) only on pages that show it.
        context["nav_sidebar_app_list"] = partial(self.nav_sidebar_app_list, request)
        return context

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if _needs_enrolment(request.user):
            return HttpResponseRedirect(reverse(f"{self.name}:mfa_enrol"))
        response = super().login(request, extra_context)
        if request.method == "POST" and _needs_enrolment(request.user):
            return HttpResponseRedirect(reverse(f"{self.name}:mfa_enrol"))
        return response

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("mfa/enrol/", never_cache(csrf_protect(self.mfa_enrol)), name="mfa_enrol"),
            path("workbench/charts/", self.admin_view(self.charts), name="workbench_charts"),
            path("mfa/staff/", self.admin_view(self.mfa_staff), name="mfa_staff"),
            path("mfa/staff/<int:user_id>/reset/", self.admin_view(self.mfa_reset), name="mfa_reset"),
            *super().get_urls(),
        ]

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return workbench_views.home(self, request)

    def mfa_enrol(self, request: HttpRequest) -> HttpResponse:
        """Show the QR code of a new TOTP device; confirm it with one code."""
        user = request.user
        if not mfa.staff_may_enrol(user=user):
            return redirect_to_login(request.get_full_path(), reverse(f"{self.name}:login"))
        device = mfa.mfa_enrolment_device(user=user)
        form = MfaEnrolForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                confirmed = mfa.mfa_enrolment_confirm(user=user, token=form.cleaned_data["token"])
            except DomainError as error:
                form.add_error("token", error.message)
            else:
                otp_login(request, confirmed)
                # Shown on this response only, never stored in the clear: the staff member
                # writes them down now or issues new ones later.
                codes = mfa.mfa_backup_codes_issue(user=user, actor=user)
                context = {**self.each_context(request), "title": "Your backup codes", "codes": codes}
                return render(request, "security/mfa_backup_codes.html", context)
        context = {
            **self.each_context(request),
            "title": "Set up two-factor authentication",
            "form": form,
            "qr_svg": mfa.otpauth_qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode(),
        }
        return render(request, "security/mfa_enrol.html", context)

    def charts(self, request: HttpRequest) -> HttpResponse:
        return workbench_views.charts(self, request)

    def mfa_staff(self, request: HttpRequest) -> HttpResponse:
        return workbench_views.mfa_staff(self, request)

    def mfa_reset(self, request: HttpRequest, user_id: int) -> HttpResponse:
        return workbench_views.mfa_reset(self, request, user_id)


def staff_verified_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For staff pages outside the admin: active staff, verified by a device this session.
    (``staff_member_required`` alone would skip the second factor.)"""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff and _is_verified(user)):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapped
