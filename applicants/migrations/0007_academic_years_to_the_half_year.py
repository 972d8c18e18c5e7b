"""R-ED-2: years of credit are recorded to the half year (4.5), not in whole years."""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0006_user_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicant",
            name="academic_years",
            field=models.DecimalField(
                decimal_places=1,
                default=Decimal("0"),
                max_digits=3,
                verbose_name="academic years of credit at the degree school",
            ),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="transfer_years",
            field=models.DecimalField(
                decimal_places=1,
                default=Decimal("0"),
                max_digits=3,
                verbose_name="academic years of transfer credit",
            ),
        ),
    ]
