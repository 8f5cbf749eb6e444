"""The patron key: a keyed hash of each booking's contact, for counting different and returning
patrons. Bookings that still hold a contact get theirs here; erased ones stay without."""

from django.db import migrations, models

from bookings.models.private_link import patron_key_for


def fill_patron_keys(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    with_contact = Booking.objects.filter(personal_data_erased_at__isnull=True)
    batch = []
    for booking in with_contact.only("pk", "phone", "email").iterator(chunk_size=2000):
        booking.patron_key = patron_key_for(booking.phone, booking.email)
        batch.append(booking)
        if len(batch) == 2000:
            Booking.objects.bulk_update(batch, ["patron_key"])
            batch = []
    Booking.objects.bulk_update(batch, ["patron_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0021_visit_outcomes"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="patron_key",
            field=models.CharField(
                blank=True, db_default="", default="", editable=False, max_length=32
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(
                    ("status", "attended"), models.Q(("patron_key", ""), _negated=True)
                ),
                fields=["library", "patron_key", "starts_at"],
                name="booking_by_patron",
            ),
        ),
        migrations.RunPython(fill_patron_keys, migrations.RunPython.noop),
    ]
