"""Former names and one folded search column for the school directory, backfilled."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def backfill_search_text(apps: Any, schema_editor: Any) -> None:
    # The historical model has no save() override: compute the column with the same function.
    from credentials.models import school_search_text

    School = apps.get_model("credentials", "School")
    batch = []
    for school in School.objects.all().iterator(chunk_size=2000):
        school.search_text = school_search_text(school)
        batch.append(school)
        if len(batch) >= 2000:
            School.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        School.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0004_school_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="former_names",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="school",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(backfill_search_text, migrations.RunPython.noop),
    ]
