# Finnish dates and times as Finns write them: "ti 24.11. klo 10.15", 24-hour clock.
# Only what Digiopas shows is set here; the rest falls back to Django's own Finnish formats.
DATE_FORMAT = "l j.n.Y"  # tiistai 24.11.2026
TIME_FORMAT = "H.i"  # 10.15
DATETIME_FORMAT = r"l j.n.Y \k\l\o H.i"  # tiistai 24.11.2026 klo 10.15
MONTH_DAY_FORMAT = "l j.n."  # tiistai 24.11. (a day's heading in a list of times)
SHORT_DATETIME_FORMAT = r"D j.n. \k\l\o H.i"  # ti 24.11. klo 10.15
