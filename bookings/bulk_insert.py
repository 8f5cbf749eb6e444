"""Many rows into one table with little Python per row: for slot generation and the load data.

`bulk_create` builds a model instance and prepares every value of every row in Python, which
is most of the time when hundreds of thousands of slots are made. Here rows are plain tuples:
on PostgreSQL they are streamed with binary COPY (in C), elsewhere (SQLite) sent with
`executemany`. Values are what the model fields hold (ids, aware datetimes, strings); the
database's own defaults are not applied, so give every column that needs a value.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import connection, models, transaction
from django.db.models.constants import OnConflict


def _columns(model: type[models.Model], attnames: list[str]) -> list[str]:
    by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
    return [by_attname[name] for name in attnames]


def copy_rows(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """Binary COPY into `table` (PostgreSQL), column types read from the catalogue."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass", [table]
    )
    types = dict(cursor.fetchall())
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    # Django's own errors (IntegrityError, …) as for any query; COPY bypasses its wrapper.
    with (
        connection.wrap_database_errors,
        cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN (FORMAT BINARY)"
        ) as copy,
    ):
        copy.set_types([types[column] for column in columns])
        for row in rows:
            copy.write_row(row)


def insert_rows(
    model: type[models.Model],
    attnames: list[str],
    rows: list[tuple],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """Insert `rows` (tuples in the order of `attnames`); with `ignore_conflicts`, rows that
    would break a unique constraint are skipped, as `bulk_create(ignore_conflicts=True)` does.
    """
    if not rows:
        return
    table = model._meta.db_table
    columns = _columns(model, attnames)
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not ignore_conflicts:
            copy_rows(cursor, table, columns, rows)
        elif connection.vendor == "postgresql":
            # COPY cannot skip conflicts: into a temporary copy of the columns, then across.
            staging = quote(f"staging_{table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} AS "
                f"SELECT {names} FROM {quote(table)} WITH NO DATA"
            )
            copy_rows(cursor, f"staging_{table}", columns, rows)
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) "
                f"SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            on_conflict = OnConflict.IGNORE if ignore_conflicts else None
            fields = [model._meta.get_field(name) for name in attnames]
            insert = connection.ops.insert_statement(on_conflict=on_conflict)
            suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
            placeholders = ", ".join(["%s"] * len(columns))
            adapt = connection.ops.adapt_datetimefield_value
            cursor.executemany(
                f"{insert} {quote(table)} ({names}) VALUES ({placeholders}) {suffix}",
                [tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows],
            )
