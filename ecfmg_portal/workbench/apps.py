from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "ecfmg_portal.workbench"
    label = "workbench"
    verbose_name = "Staff workbench"
