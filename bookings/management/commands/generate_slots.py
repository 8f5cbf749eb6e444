from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.services import slots_generate
from bookings.waiting_list import waiting_list_process


class Command(BaseCommand):
    help = "Make bookable slots from the weekly schedules for the weeks ahead (safe to repeat)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--weeks", type=int, default=6, help="How many weeks ahead (1–104).")

    def handle(self, *args, weeks: int, **options) -> None:
        if not 1 <= weeks <= 104:
            raise CommandError("--weeks must be between 1 and 104.")
        made = slots_generate(start_on=timezone.localdate(), weeks=weeks)
        self.stdout.write(f"{made} new slots made for {weeks} weeks ahead.")
        if made:
            _, offered = waiting_list_process(now=timezone.now())
            self.stdout.write(f"{offered} new times offered to the waiting list.")
