# Swedish dates and times as written in Finland: "tis 24.11. kl. 10.15", 24-hour clock.
# Only what Digiopas shows is set here; the rest falls back to Django's own Swedish formats.
DATE_FORMAT = "l j.n.Y"  # tisdag 24.11.2026
TIME_FORMAT = "H.i"  # 10.15
DATETIME_FORMAT = r"l j.n.Y \k\l. H.i"  # tisdag 24.11.2026 kl. 10.15
MONTH_DAY_FORMAT = "l j.n."  # tisdag 24.11.
SHORT_DATE_FORMAT = "j.n.Y"  # 24.11.2026 as in Finland, not Sweden's 2026-11-24
SHORT_DATETIME_FORMAT = r"D j.n. \k\l. H.i"  # tis 24.11. kl. 10.15
