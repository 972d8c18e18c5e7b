"""Writing many rows fast: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

Rows are plain dicts keyed by field name; no model instance is built (at 100k
applicants, model instances and Django's per-value preparation cost minutes).
Columns come from the model's concrete fields, so a field added later is filled
from its default (or NULL) instead of breaking the generator. Ids are reserved
up front (from the table's sequence on PostgreSQL) so children can point at
their parents before anything is written.
"""

from __future__ import annotations

import datetime
import io
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

Row = dict[str, Any]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _pg_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is str:
        return str(value).translate(_COPY_ESCAPES)
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is Decimal or kind is uuid.UUID:
        return str(value)
    if kind is datetime.datetime or kind is datetime.date:
        return str(value.isoformat())
    if isinstance(value, str):  # str enums (TextChoices members)
        return str(value).translate(_COPY_ESCAPES)
    if kind is dict or kind is list:  # JSON columns
        return json.dumps(value).translate(_COPY_ESCAPES)
    raise TypeError(f"No COPY encoding for {kind.__name__}.")


def _sqlite_value(value: Any) -> Any:
    """As Django's SQLite backend stores it: naive UTC datetimes, text decimals."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _default_for(field: models.Field[Any, Any]) -> Callable[[], Any]:
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return timezone.now if isinstance(field, models.DateTimeField) else timezone.localdate
    if field.has_default():
        default = field.default
        return default if callable(default) else lambda: default
    if field.null:
        return lambda: None
    if isinstance(field, models.CharField | models.TextField) and field.blank:
        return lambda: ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value: it has no default.")


class Table:
    """Rows for one model's table, written together by ``flush()``."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.rows: list[Row] = []
        self._defaults: dict[str, Callable[[], Any]] = {}

    def add(self, **values: Any) -> Row:
        self.rows.append(values)
        return values

    def reserve_ids(self) -> None:
        """Give every row without one an ``id`` now, so children can refer to it."""
        pending = [row for row in self.rows if "id" not in row]
        if not pending:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, len(pending)],
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:
                # One writer at a time (SQLite locks the database for the transaction).
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.table}"')  # noqa: S608
                first = cursor.fetchone()[0] + 1
                ids = list(range(first, first + len(pending)))
        for row, new_id in zip(pending, ids, strict=True):
            row["id"] = new_id

    def _value(self, field: models.Field[Any, Any], row: Row) -> Any:
        key = field.attname
        if key in row:
            return row[key]
        if field.name in row:  # a foreign key given as its row dict or model instance
            target = row[field.name]
            return target["id"] if isinstance(target, dict) else target.pk
        if key not in self._defaults:
            self._defaults[key] = _default_for(field)
        return self._defaults[key]()

    def flush(self) -> int:
        """Write the rows and forget them; returns how many were written."""
        if not self.rows:
            return 0
        self.reserve_ids()
        columns = [str(f.column) for f in self.fields]
        count = len(self.rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for row in self.rows:
                    buffer.write("\t".join(_pg_text(self._value(f, row)) for f in self.fields))
                    buffer.write("\n")
                buffer.seek(0)
                column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
                sql = f"COPY {connection.ops.quote_name(self.table)} ({column_list}) FROM STDIN"
                cursor.cursor.copy_expert(sql, buffer)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(self.table)} ({column_list}) "  # noqa: S608
                    f"VALUES ({placeholders})",
                    [[_sqlite_value(self._value(f, row)) for f in self.fields] for row in self.rows],
                )
        self.rows = []
        return count
