# English as written in Finland: day before month and a 24-hour clock ("Tue 24.11. at 10.15"),
# where Django's default English would give "Nov. 24, 2026, 10:15 a.m.".
# Only what Digiopas shows is set here; the rest falls back to Django's own English formats.
DATE_FORMAT = "l j.n.Y"  # Tuesday 24.11.2026
TIME_FORMAT = "H.i"  # 10.15
DATETIME_FORMAT = "l j.n.Y, H.i"  # Tuesday 24.11.2026, 10.15
MONTH_DAY_FORMAT = "l j.n."  # Tuesday 24.11.
SHORT_DATE_FORMAT = "j.n.Y"  # 24.11.2026 (the statistics' periods), not 11/24/2026
SHORT_DATETIME_FORMAT = r"D j.n. \a\t H.i"  # Tue 24.11. at 10.15
