"""On PostgreSQL, the indexes the statistics read a library's period by carry what they count
(INCLUDE), so a year is read from the index alone (the national bench's busiest library: its
slots by guide from 58,000 table pages to 440). Same names and keys as the models declare:
SQLite has no covering indexes, and declaring `include` in the models would make Django warn
about that on every check, so only this migration knows, and only PostgreSQL runs it."""

from django.db import migrations

COVERING = {
    "slot_by_library": (
        "bookings_slot",
        "id, guide_id, ends_at, booking_id",
    ),
    "booking_by_library": (
        "bookings_booking",
        "id, guide_id, ends_at, status, way, outcome, channel, device_id, created_at",
    ),
}


def _rebuild(schema_editor, *, covering: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, columns) in COVERING.items():
        include = f" INCLUDE ({columns})" if covering else ""
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {table} (library_id, starts_at){include}")


def make_covering(apps, schema_editor):
    _rebuild(schema_editor, covering=True)


def make_plain(apps, schema_editor):
    _rebuild(schema_editor, covering=False)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0022_patron_key"),
    ]

    operations = [migrations.RunPython(make_covering, make_plain)]
