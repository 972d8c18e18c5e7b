from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ecfmg_portal.audit"
    label = "audit"
    verbose_name = "Audit trail"
