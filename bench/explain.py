"""EXPLAIN (ANALYZE, BUFFERS) of every query the benchmarked pages run, on the bench database.

    python -m bench.explain PAGES.json OUT_DIR

PAGES.json is what `bench.fixtures prepare` wrote. Each page is opened once to warm the caches
(the free-times list is then served from the cache, so its query is captured on a cold cache
too), its queries are captured with Django's test client, and each is explained inside a
transaction that is rolled back. One file per page; the summary lists any sequential scan of
the big tables (slots, bookings, booking topics, messages), which must not happen, and any step
that read a thousand rows or more only to throw them away (an index that does not fit the
query: such a plan grows with the data even without a sequential scan).
"""

import json
import re
import sys
from pathlib import Path

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.fixtures import client, post_queries  # noqa: E402
from bookings.models import Slot  # noqa: E402

BIG_TABLES = (
    "bookings_slot",
    "bookings_booking",
    "bookings_booking_topics",
    "bookings_notification",
)
CURSOR = re.compile(r"^DECLARE \S+ NO SCROLL CURSOR WITH(OUT)? HOLD FOR ", re.I)
EXPLAINABLE = re.compile(r"^\s*(SELECT|UPDATE|DELETE|WITH)\b", re.I)
THROWN_AWAY = re.compile(r"Rows Removed by (?:Join )?Filter: (\d+)")
WASTE_LIMIT = 1000


def captured(path: str, cookie: str) -> list[str]:
    visitor = client()
    if cookie:
        name, value = cookie.split("=", 1)
        visitor.cookies[name] = value
    cache.clear()  # cold: the free-times list is rendered from the database
    with CaptureQueriesContext(connection) as queries:
        visitor.get(path)
    return [CURSOR.sub("", query["sql"]) for query in queries.captured_queries]


def explain(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def sequential_scans(plan: str) -> list[str]:
    return [table for table in BIG_TABLES if re.search(rf"Seq Scan on {table}\b", plan)]


def thrown_away(plan: str) -> list[int]:
    return [int(n) for n in THROWN_AWAY.findall(plan) if int(n) >= WASTE_LIMIT]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().split("(")[0]).strip("-")


def report(name: str, path: str, queries: list[str], out: Path) -> tuple[list[str], list[str]]:
    lines = [f"# {name}: {path}", f"# {len(queries)} queries, each explained below", ""]
    scans, waste = [], []
    for number, sql in enumerate(queries, start=1):
        if not EXPLAINABLE.match(sql):
            continue
        plan = explain(sql)
        scans += [f"{name}, query {number}: {table}" for table in sequential_scans(plan)]
        waste += [f"{name}, query {number}: {rows} rows" for rows in thrown_away(plan)]
        lines += [f"-- query {number}", sql, "", plan, ""]
    (out / f"{slug(name)}.txt").write_text("\n".join(lines))
    return scans, waste


def main(pages_file: str, out_dir: str) -> None:
    data = json.loads(Path(pages_file).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scans, waste = [], []
    for page in data["pages"]:
        if page["path"] == "/healthz":
            continue
        found = report(page["name"], page["path"], captured(page["path"], page["cookie"]), out)
        scans, waste = scans + found[0], waste + found[1]
    # The booking POST: one more free time, booked for real, its queries captured.
    slot = Slot.objects.select_related("library").get(pk=data["explain_slot"])
    with CaptureQueriesContext(connection) as queries:
        post_queries(slot)
    posted = [CURSOR.sub("", q["sql"]) for q in queries.captured_queries]
    found = report("booking POST", data["form_path"], posted, out)
    scans, waste = scans + found[0], waste + found[1]
    print(json.dumps({"sequential_scans_of_big_tables": scans, "rows_read_and_thrown_away": waste}))


if __name__ == "__main__":
    main(*sys.argv[1:])
