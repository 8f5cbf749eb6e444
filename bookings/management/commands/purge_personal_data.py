from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.privacy import personal_data_purge


class Command(BaseCommand):
    help = (
        "Erase patrons' personal data RETENTION_DAYS after their time or after their "
        "waiting-list entry ended (also from the admin history), patron keys "
        "PATRON_KEY_RETENTION_DAYS after the time, and old access-log entries. "
        "Safe to run daily from cron."
    )

    def handle(self, *args, **options) -> None:
        counts = personal_data_purge(now=timezone.now())
        self.stdout.write(
            f"Erased {counts['bookings']} bookings and {counts['waiting_entries']} waiting-list "
            f"entries that ended over {settings.RETENTION_DAYS} days ago; removed "
            f"{counts['access_log_entries']} old access-log entries; emptied "
            f"{counts['feedback_comments']} feedback comments; cleared "
            f"{counts['patron_keys']} patron keys over {settings.PATRON_KEY_RETENTION_DAYS} "
            "days old."
        )
