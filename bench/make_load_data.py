"""Fill an empty database with a national-size data set, for `make bench`.

    python -m bench.make_load_data --libraries 300 --guides 1500 --weeks 52

The load generator lives with the bench, not in the app: production never runs it.
"""

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=(
            "Build a realistic data set with bulk inserts: libraries, guides with weekly "
            "schedules and closures, WEEKS weeks of 15-minute slots (the last --ahead of them "
            "still to come) and bookings of the given share of past slots. For an empty database."
        )
    )
    parser.add_argument("--libraries", type=int, default=300)
    parser.add_argument("--guides", type=int, default=1500)
    parser.add_argument("--weeks", type=int, default=52, help="Weeks of slots in all.")
    parser.add_argument("--ahead", type=int, default=6, help="How many of them are ahead.")
    parser.add_argument("--booked-share", type=float, default=0.4, help="Of past slots.")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)

    # Django is set up here, not on import: the tests import this with Django running.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiopas.settings")
    import django

    django.setup()
    from django.utils import timezone

    from bench.load_data import LoadSpec, database_size, load_data, vacuum_analyze
    from bookings.models import Library

    if Library.objects.exists():
        sys.exit("The database already has libraries: load into an empty one.")
    try:
        spec = LoadSpec(
            libraries=options.libraries,
            guides=options.guides,
            weeks=options.weeks,
            ahead_weeks=min(options.ahead, options.weeks),
            booked_share=options.booked_share,
            seed=options.seed,
        )
    except ValueError as error:
        sys.exit(str(error))
    started = time.perf_counter()
    report = load_data(spec, now=timezone.now(), progress=print)
    vacuum_analyze()
    seconds = time.perf_counter() - started
    print(
        f"Loaded {report.libraries} libraries, {report.guides} guides, "
        f"{report.schedules} weekly schedules, {report.closures} closures, "
        f"{report.slots:,} slots from {report.first_on} to {report.last_on}, "
        f"{report.bookings:,} bookings ({report.booked_past_share:.1%} of "
        f"{report.past_slots:,} past slots booked), {report.notifications:,} messages sent; "
        f"busiest library: {report.busiest_library}."
    )
    print(f"Took {seconds:.0f} s; the database is now {database_size() / 2**20:,.0f} MB.")


if __name__ == "__main__":
    main()
