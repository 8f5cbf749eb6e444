import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def copy_libraries(apps, schema_editor):
    """Every existing message gets the library of its booking or waiting-list entry."""
    Notification = apps.get_model("bookings", "Notification")
    Booking = apps.get_model("bookings", "Booking")
    WaitingListEntry = apps.get_model("bookings", "WaitingListEntry")
    Notification.objects.filter(booking__isnull=False).update(
        library_id=Subquery(Booking.objects.filter(pk=OuterRef("booking_id")).values("library_id"))
    )
    Notification.objects.filter(waiting_entry__isnull=False).update(
        library_id=Subquery(
            WaitingListEntry.objects.filter(pk=OuterRef("waiting_entry_id")).values("library_id")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0008_booking_keys_indexed_by_composites"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="library",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="bookings.library",
            ),
        ),
        migrations.RunPython(copy_libraries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification",
            name="library",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="bookings.library",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=Q(("channel", "sms")),
                fields=["library", "created_at"],
                name="sms_by_library",
            ),
        ),
    ]
