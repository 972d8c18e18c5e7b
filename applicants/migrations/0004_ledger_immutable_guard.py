"""On PostgreSQL, a trigger that refuses any UPDATE or DELETE of a ledger entry or a
provider event: immutability (R-PAY-1) holds even for raw SQL and
``QuerySet.update()``, which bypass ``Model.save``. TRUNCATE (used by test database
flushes) is not a row operation and is not blocked. SQLite relies on the model."""

from django.db import migrations

GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION applicants_refuse_ledger_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable: record a correcting entry instead', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
GUARDED_TABLES = ("applicants_ledgerentry", "applicants_providerevent")


def add_guard(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(GUARD_FUNCTION, params=None)  # no %-interpolation: the SQL uses "%"
    for table in GUARDED_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION applicants_refuse_ledger_change()"
        )


def remove_guard(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in GUARDED_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS applicants_refuse_ledger_change()")


class Migration(migrations.Migration):
    dependencies = [("applicants", "0003_provider_event")]

    operations = [migrations.RunPython(add_guard, remove_guard)]
