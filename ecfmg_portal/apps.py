"""App configs of the project package itself."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the MFA-enforcing site as ``admin.site``."""

    default_site = "ecfmg_portal.admin_site.PortalAdminSite"
