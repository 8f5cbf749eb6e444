"""Text messages are counted in parts against the monthly cap (gateways charge per part).

A nullable column, so adding it rewrites no rows: messages sent before it count as one part
each, as they were counted then.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0012_translated_content_and_place_details'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='sms_parts',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name='text-message parts'),
        ),
        migrations.AlterField(
            model_name='library',
            name='sms_monthly_cap',
            field=models.PositiveIntegerField(default=300, help_text='A text message of up to 160 characters is one part; a longer one costs two or more. Past this many parts in a month, messages go to the staff call list instead.', verbose_name='text-message parts per month'),
        ),
    ]
