"""A guide is in one place at a time: on PostgreSQL the database refuses overlapping slots.

An exclusion constraint over (guide, [start, end)) needs btree_gist for the equality on the
guide. Other databases rely on the services (`bookings.rules.check_guide_free`,
`slots_generate`). Free slots that already overlap another slot of the same guide are removed
first (a booked slot is kept; of two free ones, the later-made goes); overlapping booked slots
stop the migration with a message, since only staff can decide which patron to move.
"""

import django.utils.timezone
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

CONSTRAINT = "slot_guide_one_place_at_a_time"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            DELETE FROM bookings_slot AS s
            USING bookings_slot AS o
            WHERE s.guide_id = o.guide_id AND s.id <> o.id AND s.booking_id IS NULL
              AND s.starts_at < o.ends_at AND o.starts_at < s.ends_at
              AND (o.booking_id IS NOT NULL OR o.id < s.id)
            """
        )
        # The deleted rows' deferred foreign-key checks run now: ALTER TABLE refuses a table
        # with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT count(*) FROM bookings_slot AS s JOIN bookings_slot AS o
              ON s.guide_id = o.guide_id AND s.id < o.id
             AND s.starts_at < o.ends_at AND o.starts_at < s.ends_at
            """
        )
        (clashes,) = cursor.fetchone()
        if clashes:
            raise RuntimeError(
                f"{clashes} pairs of booked slots of one guide overlap; move one booking of "
                "each pair to another time (the admin's slot list shows them), then migrate."
            )
        cursor.execute(
            f"ALTER TABLE bookings_slot ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
            "(guide_id WITH =, tstzrange(starts_at, ends_at) WITH &&)"
        )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE bookings_slot DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0010_history_protected")]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="booked at"
            ),
        ),
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
