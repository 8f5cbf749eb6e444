from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.waiting_list import waiting_list_process


class Command(BaseCommand):
    help = (
        "Lapse waiting-list offers whose time is up and offer free times to those in line. "
        "Safe to run every few minutes from cron."
    )

    def handle(self, *args, **options) -> None:
        lapsed, offered = waiting_list_process(now=timezone.now())
        self.stdout.write(f"{lapsed} offers lapsed, {offered} times offered.")
