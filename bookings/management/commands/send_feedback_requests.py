from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.feedback import feedback_requests_send


class Command(BaseCommand):
    help = (
        "Ask each patron whose visit was marked attended, once, how it went (e-mail or text "
        "message, in their language), during the day only. Safe to run every few minutes from "
        "cron: overlapping runs ask once."
    )

    def handle(self, *args, **options) -> None:
        handed = feedback_requests_send(now=timezone.now())
        self.stdout.write(f"{handed} messages handed to the sender.")
