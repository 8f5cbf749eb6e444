"""The indexes the statistics read a library's period by carry what they count (PostgreSQL's
INCLUDE), so a year is read from the index alone; SQLite makes them plain indexes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0022_patron_key"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="booking",
            name="booking_by_library",
        ),
        migrations.RemoveIndex(
            model_name="slot",
            name="slot_by_library",
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                fields=["library", "starts_at"],
                include=(
                    "id",
                    "guide",
                    "ends_at",
                    "status",
                    "way",
                    "outcome",
                    "channel",
                    "device",
                    "created_at",
                ),
                name="booking_by_library",
            ),
        ),
        migrations.AddIndex(
            model_name="slot",
            index=models.Index(
                fields=["library", "starts_at"],
                include=("id", "guide", "ends_at", "booking"),
                name="slot_by_library",
            ),
        ),
    ]
