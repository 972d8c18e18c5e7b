"""On PostgreSQL, refuse TRUNCATE of the audit table too.

Row triggers (0002) do not fire on TRUNCATE, which emptied the log in one statement
and left the verifier saying "empty". A statement trigger refuses it; only the
table's owner can drop the trigger, and the application does not connect as the
owner (docs/operations.md). The recorded head catches what gets past both.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_entry_scheme")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
