"""The USMLE passing standards since 2012, with where each was announced (R-EX-8),
and scheduling numbers for applications made before permits existed."""

import datetime
import secrets

from django.db import migrations

USMLE_ANNOUNCEMENTS = "https://www.usmle.org/announcements"
# (exam, first test date judged by it, minimum passing score or None for pass/fail only, source)
STANDARDS = [
    (
        "STEP1",
        datetime.date(2018, 1, 1),
        194,
        "USMLE Management Committee: Step 1 minimum passing score raised from 192 to 194 "
        "for examinations on or after 1 January 2018.",
    ),
    (
        "STEP1",
        datetime.date(2022, 1, 26),
        196,
        "USMLE: Step 1 reported pass/fail from 26 January 2022; the minimum passing "
        "standard raised from 194 to 196 (announced December 2021).",
    ),
    (
        "STEP2CK",
        datetime.date(2012, 7, 1),
        196,
        "USMLE Step 2 Committee, June 2012: Step 2 CK minimum passing score raised from 189 "
        "to 196 for examinations on or after 1 July 2012.",
    ),
    (
        "STEP2CK",
        datetime.date(2013, 7, 1),
        203,
        "USMLE Step 2 Committee, June 2013: Step 2 CK minimum passing score raised from 196 "
        "to 203 for examinations on or after 1 July 2013.",
    ),
    (
        "STEP2CK",
        datetime.date(2014, 7, 1),
        209,
        "USMLE Management Committee, May 2014: Step 2 CK minimum passing score raised from "
        "203 to 209 for examinations on or after 1 July 2014.",
    ),
    (
        "STEP2CK",
        datetime.date(2022, 7, 1),
        214,
        "USMLE, 2022: Step 2 CK minimum passing score raised from 209 to 214 for examinations "
        "on or after 1 July 2022.",
    ),
    (
        "STEP2CS",
        datetime.date(2004, 6, 14),
        None,
        "USMLE: Step 2 CS, first given in June 2004, is reported as pass or fail only, with no "
        "numeric score.",
    ),
]


def add_standards(apps, schema_editor):
    PassingStandard = apps.get_model("exams", "PassingStandard")
    for exam, effective_from, minimum, source in STANDARDS:
        PassingStandard.objects.get_or_create(
            exam=exam,
            effective_from=effective_from,
            defaults={"minimum_score": minimum, "source": source, "source_url": USMLE_ANNOUNCEMENTS},
        )


def number_old_applications(apps, schema_editor):
    ExamApplication = apps.get_model("exams", "ExamApplication")
    for application in ExamApplication.objects.filter(scheduling_number__isnull=True):
        digits = f"{secrets.randbelow(10**12):012d}"
        application.scheduling_number = f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"
        application.save(update_fields=["scheduling_number"])


class Migration(migrations.Migration):
    dependencies = [("exams", "0002_results_match_sittings")]

    operations = [
        migrations.RunPython(add_standards, migrations.RunPython.noop),
        migrations.RunPython(number_old_applications, migrations.RunPython.noop),
    ]
