"""`make bench`: Digiopas under gunicorn, loaded with wrk, each page against a trivial view.

For each data size (the demo data, and a national-size data set built by
bench/make_load_data.py) this creates or reuses a PostgreSQL database, starts the app under
gunicorn on a free loopback port (bench.settings: production settings, DEBUG off, persistent
connections, Redis cache), and
loads every page with wrk from a second process: requests/s, p50 and p99 latency, and the ratio
to /healthz (no database, no template) measured right before it on the same server, so that the
noise of a shared machine cancels out as far as it can. Then the booking POST: a stream of
distinct free times, checked afterwards (no errors, no time booked twice). See bench/README.md.

    python bench/run.py [--sizes demo,national] [--duration 10] [--connections 16] [--rebuild]
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
NATIONAL = ["--libraries", "300", "--guides", "1500", "--weeks", "52", "--booked-share", "0.4"]
SIZES = {
    # The demo data with two years of its slots, built afresh every run: a POST run books up
    # to a thousand of them.
    "demo": (
        "digiopas_bench_demo",
        [["manage.py", "seed_demo"], ["manage.py", "generate_slots", "--weeks", "104"]],
    ),
    "national": ("digiopas_bench", [["-m", "bench.make_load_data", *NATIONAL]]),
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

# Issue 20's targets, printed beside the rows they are for: by the start of a row's name,
# (what is compared, the bound, how it reads). "ratio": times /healthz at least the bound (16
# connections); "p50": p50 in ms under the bound (one request at a time).
RATIO_TARGETS = {
    "booking POST": ("ratio", 0.05, "≥ 0.05×, 0 errors, none booked twice"),
    "booking form": ("ratio", 0.15, "≥ 0.15×"),
    "own booking page": ("ratio", 0.15, "≥ 0.15×"),
    "principles": ("ratio", 0.5, "≥ 0.5×"),
    "API free times": ("ratio", 0.5, "≥ 0.5×"),
}
ONE_AT_A_TIME_TARGETS = {
    "printed day": ("p50", 60.0, "p50 < 60 ms"),
    "statistics, a year": ("p50", 150.0, "p50 < 150 ms"),
}


def say(text: str) -> None:
    print(text, flush=True)


def run(args: list, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=True, text=True, **kwargs)


def django_env(database: str, static_root: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "CACHE_URL": REDIS,
        "STATIC_ROOT": str(static_root),
        "EMAIL_URL": "dummymail://",
        "SMS_BACKEND": "bookings.sms.backends.locmem.SmsBackend",
        "PYTHONPATH": str(ROOT),
    }


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    say("Installing wrk (Debian package)…")
    install = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "wrk"]
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, check=True)
        subprocess.run(install, capture_output=True, check=True)


def psql(database: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", f"{POSTGRES}/{database}", "-Atqc", sql], capture_output=True, text=True
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def is_fresh(database: str, size: str) -> bool:
    """Built, and still with five weeks of times ahead (the data is relative to its day)."""
    if size == "demo":
        return False  # built afresh every run (2 s): a POST run books up to a thousand times
    ahead = psql(database, "SELECT max(starts_at) > now() + interval '5 weeks' FROM bookings_slot")
    return ahead == "t" and psql(database, "SELECT count(*) FROM bookings_library") == "300"


def prepare_database(size: str, env: dict, rebuild: bool) -> None:
    database, build = SIZES[size]
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"
    if exists and (rebuild or not is_fresh(database, size)):
        say(f"Dropping {database} (stale or --rebuild)…")
        psql("postgres", f"DROP DATABASE {database} WITH (FORCE)")
        exists = False
    if not exists:
        psql("postgres", f"CREATE DATABASE {database}")
    run([VENV / "python", "manage.py", "migrate", "--noinput", "-v0"], env)
    if exists:
        say(f"Reusing {database} (built earlier; --rebuild builds it again).")
        return
    for command in build:
        say(f"python {' '.join(command)}")
        started = time.perf_counter()
        run([VENV / "python", *command], env)
        say(f"  took {time.perf_counter() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with gthread workers (keep-alive, like behind a proxy), on a free port."""

    def __init__(self, env: dict, workers: int, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            VENV / "gunicorn",
            "digiopas.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--error-logfile",
            str(log),
        ]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer on {self.url}; see {log}")

    def worker_rss_mb(self) -> list[float]:
        """The resident memory of each gunicorn worker (the master's children), in MB."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split() if children.exists() else []:
            status = Path(f"/proc/{pid}/status")
            match = re.search(r"^VmRSS:\s+(\d+) kB", status.read_text(), re.M)
            if match:
                sizes.append(int(match[1]) / 1024)
        return sorted(sizes)

    def stop(self) -> None:
        self.process.terminate()  # gunicorn stops its own workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def settle(url: str) -> None:
    """Wait until the server has worked off what the last run left queued (wrk stops sending,
    not the server working): else the next measurement would wait behind it."""
    quick = 0
    for _ in range(600):
        started = time.perf_counter()
        with urllib.request.urlopen(f"{url}/healthz", timeout=30) as response:
            response.read()
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
        if quick == 3:
            return
        time.sleep(0.05)


def messages_drained(database: str) -> float:
    """Seconds after the POST run until the worker had sent every message it queued."""
    started = time.perf_counter()
    waiting = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN "
    while psql(database, waiting + "('READY', 'RUNNING')") not in ("0", ""):
        if time.perf_counter() - started > 300:
            raise SystemExit("the message worker did not catch up in 5 minutes")
        time.sleep(0.2)
    return round(time.perf_counter() - started, 1)


def parse_wrk(output: str) -> dict:
    def latency(percent: str) -> float:
        number, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(number) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": (int(errors[1]) if errors else 0)
        + (sum(int(n) for n in sockets.groups()) if sockets else 0),
    }


def run_wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    cookie: str = "",
    script: list = (),
    headers: tuple = (),
) -> dict:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "10s"]
    for header in (f"Cookie: {cookie}",) * bool(cookie) + tuple(headers):
        command += ["-H", header]
    # The script's own arguments follow the URL, after "--".
    script_args = list(script)
    if "--" in script_args:
        split = script_args.index("--")
        command += [*script_args[:split], url, *script_args[split:]]
    else:
        command += [*script_args, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = parse_wrk(output)
    statuses = re.search(r"^STATUSES(.*)$", output, re.M)
    if statuses:
        result["statuses"] = dict(pair.split("=") for pair in statuses[1].split())
    return result


def booking_data(server: Server, data: dict, out: Path) -> Path:
    """Fetch the form once; write what book.lua sends with every POST."""
    with urllib.request.urlopen(server.url + data["form_path"]) as response:
        form = response.read().decode()
        cookies = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []]
        cookie = next(c for c in cookies if c.startswith("csrftoken="))
    fields = {
        "minutes": "15",
        "patron_name": "Bench Patron",
        "email": "",
        "device": str(data["device"]),
        "need": "",
        "way": "library",  # the times chosen are all offered at the library (bench.fixtures)
        "consent": "on",
        "website": "",
        "started": re.search(r'name="started" value="([^"]+)"', form)[1],
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1],
    }
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    lua = {
        "paths": "{" + ",\n".join(json.dumps(path) for path in data["book_paths"]) + "}",
        "headers": "{"
        + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        + "}",
        "body": json.dumps(urllib.parse.urlencode(fields)),
        "phone_base": str(int(time.time()) % 10_000_000),
    }
    out.write_text("return {\n" + "".join(f"  {k} = {v},\n" for k, v in lua.items()) + "}\n")
    return out


def measure(size: str, args, static_root: Path, work: Path) -> list[dict]:
    database, _ = SIZES[size]
    env = django_env(database, static_root)
    say(f"\n== {size}: database {database} ==")
    prepare_database(size, env, args.rebuild)
    pages_file = work / f"{size}.json"
    run(
        [VENV / "python", "-m", "bench.fixtures", "prepare", pages_file],
        env,
        stdout=subprocess.DEVNULL,
    )
    data = json.loads(pages_file.read_text())
    say(f"Data: {data['counts']}")
    if size == "national":
        explain = run(
            [VENV / "python", "-m", "bench.explain", pages_file, ROOT / "bench" / "explain"],
            env,
            capture_output=True,
        )
        say(f"EXPLAIN plans in bench/explain/: {explain.stdout.strip()}")
    timings = run([VENV / "python", "-m", "bench.fixtures", "timings"], env, capture_output=True)
    say(f"Timings: {timings.stdout.strip()}")
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], capture_output=True)
    server = Server(env, args.workers, work / f"gunicorn-{size}.log")
    # The message worker runs beside gunicorn, as in production (docs/deploy.md): the messages
    # of the bookings made are sent on this machine during the run, not left for later.
    with open(work / f"worker-{size}.log", "w") as worker_log:
        worker = subprocess.Popen(
            [VENV / "python", "manage.py", "db_worker", "--no-startup-delay"],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    rows = []
    try:
        seconds, connections = args.duration, args.connections
        pages = data["pages"]

        def wrk(url: str, **options) -> dict:  # every run starts on an idle server
            settle(server.url)
            return run_wrk(url, **options)

        for page in pages:  # warm: caches, connections, imports
            wrk(server.url + page["path"], seconds=1, connections=4, cookie=page["cookie"])
        memory = {"warm": server.worker_rss_mb()}
        for page in pages[1:]:
            baseline = wrk(server.url + "/healthz", seconds=seconds, connections=connections)
            result = wrk(
                server.url + page["path"],
                seconds=seconds,
                connections=connections,
                cookie=page["cookie"],
            )
            rows.append({**page, **result, "baseline": baseline["rps"]})
            say(f"  {page['name']}: {result['rps']:.0f}/s vs {baseline['rps']:.0f}/s")
            if page["cookie"]:  # staff pages: also one person at a time, as staff use them
                alone = wrk(
                    server.url + page["path"],
                    seconds=seconds,
                    connections=1,
                    cookie=page["cookie"],
                )
                name = f"{page['name']}, one at a time"
                rows.append({**page, **alone, "name": name, "baseline": None})
        baseline = wrk(server.url + "/healthz", seconds=seconds, connections=connections)
        since = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        lua = booking_data(server, data, work / f"book-{size}.lua")
        os.environ["BENCH_BOOK_DATA"] = str(lua)
        posted = wrk(
            server.url + "/",
            seconds=seconds,
            connections=connections,
            script=["-s", str(ROOT / "bench" / "book.lua"), "--", "2"],
        )
        checked = run(
            [VENV / "python", "-m", "bench.fixtures", "verify", since], env, capture_output=True
        )
        check = json.loads(checked.stdout.strip().splitlines()[-1])
        check["messages_sent_after"] = messages_drained(database)
        statuses = posted.get("statuses", {})
        posted["errors"] += sum(int(n) for status, n in statuses.items() if status != "booked")
        rows.append(
            {
                "name": "booking POST (distinct times)",
                "queries": data["post_queries"],
                **posted,
                "baseline": baseline["rps"],
                "check": {**check, "confirmed": int(statuses.get("booked", 0))},
            }
        )
        say(f"  booking POST: {posted['rps']:.0f}/s, statuses {statuses}, check {check}")
        memory["end"] = server.worker_rss_mb()
        rows[-1]["memory"] = memory
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=30)
    return rows


def target_for(name: str) -> tuple | None:
    """The row's target (RATIO_TARGETS, ONE_AT_A_TIME_TARGETS), or None."""
    alone = name.endswith(", one at a time")
    targets = ONE_AT_A_TIME_TARGETS if alone else RATIO_TARGETS
    return next((t for start, t in targets.items() if name.startswith(start)), None)


def target_cell(row: dict) -> str:
    """The target beside the row, and whether this run met it."""
    target = target_for(row["name"])
    if target is None:
        return ""
    kind, bound, text = target
    if kind == "ratio":
        met = row["baseline"] and row["rps"] / row["baseline"] >= bound and not row["errors"]
        check = row.get("check")
        if check:
            met = met and not check["wrong_size"] and not check["overlapping"]
    else:
        met = row["p50"] < bound
    return f"{text}: {'met' if met else '**not met**'}"


def table(size: str, rows: list[dict]) -> str:
    lines = [
        f"### {size}",
        "",
        "| page | queries | req/s | p50 ms | p99 ms | × /healthz | errors | target (issue 20) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        ratio = f"{row['rps'] / row['baseline']:.2f}" if row["baseline"] else "–"
        lines.append(
            f"| {row['name']} | {row['queries']} | {row['rps']:.0f} | {row['p50']:.1f} | "
            f"{row['p99']:.1f} | {ratio} | {row['errors']} | {target_cell(row)} |"
        )
    baselines = [row["baseline"] for row in rows if row["baseline"]]
    lines += ["", f"/healthz: {sum(baselines) / len(baselines):.0f} req/s on average."]
    memory = rows[-1].get("memory")
    if memory:

        def listed(sizes: list[float]) -> str:
            return ", ".join(f"{size:.0f}" for size in sizes) or "–"

        lines[-1] += (
            f" Memory (target: reported, no growth across runs): RSS of each gunicorn worker "
            f"{listed(memory['warm'])} MB after the warm-up, {listed(memory['end'])} MB after "
            f"the run."
        )
    post = rows[-1].get("check")
    if post:
        lines[-1] += (
            f" Booking POST: {post['made']} bookings made, {post['confirmed']} confirmations seen "
            f"by wrk, {post['wrong_size']} with other than one slot, {post['overlapping']} "
            f"overlapping; {post['messages']} messages queued, all sent by the worker "
            f"{post['messages_sent_after']} s after the run."
        )
    return "\n".join(lines)


def growth(results: dict) -> str:
    demo, national = results["demo"], results["national"]
    lines = [
        "### demo → national",
        "",
        "| page | req/s demo | req/s national | × | p99 demo | p99 national |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    by_kind = {re.sub(r" \([^)]*\)", "", row["name"]): row for row in demo}
    for row in national:
        small = by_kind.get(re.sub(r" \([^)]*\)", "", row["name"]))
        if small:
            lines.append(
                f"| {row['name']} | {small['rps']:.0f} | {row['rps']:.0f} | "
                f"{row['rps'] / small['rps']:.2f} | {small['p99']:.1f} | {row['p99']:.1f} |"
            )
    return "\n".join(lines)


def measure_peer(url: str, date: str, args) -> list[dict]:
    """The baseline to beat: django-appointment's free-times endpoints, run by hand elsewhere
    (see bench/README.md), with its own trivial view, measured the same way in the same run."""
    say(f"\n== peer: django-appointment at {url} ==")
    ajax = ("X-Requested-With: XMLHttpRequest",)
    pages = [
        ("appointment page (service 1)", "/appointment/request/1/", ()),
        (
            "available slots, one day (JSON)",
            f"/appointment/ajax/available_slots/?selected_date={date}&staff_member=1",
            ajax,
        ),
    ]

    def wrk(target: str, **options) -> dict:
        settle(url)
        return run_wrk(target, **options)

    for _name, path, headers in pages:
        wrk(url + path, seconds=1, connections=4, headers=headers)
    rows = []
    for name, path, headers in pages:
        baseline = wrk(url + "/healthz", seconds=args.duration, connections=args.connections)
        result = wrk(
            url + path, seconds=args.duration, connections=args.connections, headers=headers
        )
        rows.append({"name": name, "queries": "", **result, "baseline": baseline["rps"]})
        say(f"  {name}: {result['rps']:.0f}/s vs {baseline['rps']:.0f}/s")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,national")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--peer", help="URL of a running django-appointment (bench/README.md)")
    parser.add_argument("--peer-date", help="the day whose free times the peer is asked for")
    args = parser.parse_args()
    ensure_wrk()
    say(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"gunicorn {args.workers} workers × 2 threads; "
        f"wrk 2 threads, {args.connections} connections, {args.duration} s each"
    )
    with tempfile.TemporaryDirectory(prefix="digiopas-bench-") as tmp:
        work = Path(tmp)
        static_root = work / "static"
        run(
            [VENV / "python", "manage.py", "collectstatic", "--noinput", "-v0"],
            django_env("postgres", static_root),
        )
        results = {size: measure(size, args, static_root, work) for size in args.sizes.split(",")}
        if args.peer:
            results["peer"] = measure_peer(args.peer, args.peer_date, args)
    say("")
    for size, rows in results.items():
        say(table(size, rows) + "\n")
    if {"demo", "national"} <= results.keys():
        say(growth(results))


if __name__ == "__main__":
    sys.exit(main())
