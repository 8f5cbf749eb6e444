"""Who cancelled a booking, and what time of day suits a waiting patron.

- Booking.is_cancelled_by_library and cancellation_reason: the patron's page and message say
  that the library cancelled the time, and why. Bookings already cancelled for a closure were
  cancelled by the library: they are marked so.
- WaitingListEntry.part_of_day: mornings, afternoons or any time.
- Notification.Kind gains "waiting_joined": the private link sent on joining the waiting list.
"""

from django.db import migrations, models


def mark_closure_cancellations(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Booking.objects.filter(cancelled_for_closure__isnull=False).update(
        is_cancelled_by_library=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0013_notification_sms_parts'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='cancellation_reason',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='reason for the cancellation'),
        ),
        migrations.AddField(
            model_name='booking',
            name='is_cancelled_by_library',
            field=models.BooleanField(default=False, editable=False, verbose_name='cancelled by the library'),
        ),
        migrations.AddField(
            model_name='waitinglistentry',
            name='part_of_day',
            field=models.CharField(choices=[('any', 'Any time of day'), ('morning', 'Mornings (before 12 noon)'), ('afternoon', 'Afternoons (from 12 noon)')], default='any', max_length=10, verbose_name='time of day that suits'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('confirmation', 'Confirmation'), ('change', 'Change of time'), ('cancellation', 'Cancellation'), ('reminder', 'Reminder'), ('guide_notice', 'Notice to the guide'), ('offer', 'Time offered from the waiting list'), ('waiting_joined', 'Joined the waiting list')], max_length=20, verbose_name='kind'),
        ),
        migrations.RunPython(mark_closure_cancellations, migrations.RunPython.noop),
    ]
