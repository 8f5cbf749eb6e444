from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.notifications import reminders_send


class Command(BaseCommand):
    help = (
        "Send tomorrow's booking reminders and retry failed messages. "
        "Safe to run every few minutes from cron: each reminder goes out once."
    )

    def handle(self, *args, **options) -> None:
        handed = reminders_send(now=timezone.now())
        self.stdout.write(f"{handed} messages handed to the sender.")
