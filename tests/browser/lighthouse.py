"""Lighthouse on the pages patrons use most, against a real server with the demo data.

    python tests/browser/lighthouse.py            (or: make lighthouse)

Starts `manage.py runserver` on a free port in production mode (DEBUG off, so WhiteNoise serves
the collected, compressed static files and every security header is sent) with a throwaway
SQLite database and the demo data, books one time through the form (for the confirmation
page), runs Lighthouse (npm, with Debian's Chromium) on each page, prints the scores and exits
non-zero if any is below target.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from html import unescape
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
TARGETS = {"accessibility": 100, "best-practices": 95, "performance": 95, "seo": 90}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalCookiePolicy(DefaultCookiePolicy):
    """Production cookies are Secure; this plain-HTTP server on 127.0.0.1 still needs them."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class FormFields(HTMLParser):
    """The first value of every named input in the page's main form (radios: the first one)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs["name"] not in self.fields:
            self.fields[attrs["name"]] = attrs.get("value") or ""


def start_server(port: int, env: dict) -> subprocess.Popen:
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed_demo"]):
        done = subprocess.run(manage + command, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"manage.py {command[0]} failed:\n{done.stdout}{done.stderr}")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The server did not start.")


# The guide's memo of the visit Lighthouse booked, written as staff would (with the demo's
# first shared instruction), so that the patron's memo page can be audited too.
WRITE_A_MEMO = """
from django.utils import timezone
from bookings import memos
from bookings.models import Booking, Instruction
booking = Booking.objects.get(patron_name="Lighthouse Demo")
memos.memo_save(
    booking=booking,
    what_we_did="Otimme Suomi.fi-sovelluksen käyttöön.",
    next_steps="Kirjaudu itse kerran viikossa.\\nSoita kirjastoon, jos jokin ei onnistu.",
    links=memos.links_from_text("https://www.suomi.fi Suomi.fi"),
    instructions=Instruction.objects.exclude(published_at=None)[:1],
    now=timezone.now(),
)
"""


def write_a_memo(env: dict) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", WRITE_A_MEMO],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"Writing the memo failed:\n{done.stdout}{done.stderr}")


def pages_to_audit(base: str, env: dict) -> dict[str, str]:
    """The landing page, free times, booking form, a fresh confirmation, the principles, the
    embeddable list of next times, and the patron's memo page."""
    cookies = CookieJar(LocalCookiePolicy())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    free_times = f"{base}/libraries/liminka/"
    html = opener.open(free_times).read().decode()
    # Book the first free time through the form; audit the form of the next one.
    links = list(dict.fromkeys(re.findall(r'href="(/libraries/liminka/book/\d+/)"', html)))
    first, booking_form = base + links[0], base + links[1]
    form = FormFields()
    form.feed(opener.open(first).read().decode())
    data = {
        **form.fields,
        "patron_name": "Lighthouse Demo",
        "phone": "040 000 0000",
        "email": "",
        "consent": "on",
        "website": "",
    }
    data.pop("submit", None)
    request = urllib.request.Request(
        first, data=urllib.parse.urlencode(data).encode(), headers={"Referer": first}
    )
    # The answer is the confirmation itself; its script puts this private link in the address
    # bar, and the page read from there (a reload) is what Lighthouse audits.
    answer = opener.open(request).read().decode()
    address = re.search(r'data-address="(/booking/[^"]+)"', answer)
    if address is None:
        raise SystemExit(f"Booking through the form failed; the answer was:\n{answer[:2000]}")
    confirmation = base + unescape(address[1])
    write_a_memo(env)
    return {
        "landing page": f"{base}/",
        "free times": free_times,
        "booking form": booking_form,
        "confirmation": confirmation,
        "principles": f"{base}/principles/",
        "embed": f"{base}/libraries/liminka/embed/",
        "memo": base + urllib.parse.urlsplit(confirmation).path + "memo/",
    }


def lighthouse(url: str, report: Path) -> int:
    return subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=" + ",".join(TARGETS),
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            f"--output-path={report}",
        ],
        env={**os.environ, "CHROME_PATH": CHROME},
        check=False,
    ).returncode


def audit(url: str, report: Path) -> dict:
    """The four category scores (0-100) and the audits that did not fully pass.

    A page below target is audited four more times and judged by its median of five runs, as
    Lighthouse's own advice on variability says: on a busy two-core machine a run or two can be
    slow by chance (seen here: 73, 99 and 86 for the same unchanged page)."""
    runs = [audit_once(url, report)]
    if below_target(runs[0]):
        runs += [audit_once(url, report) for _ in range(4)]
        runs.sort(key=lambda scores: scores["performance"])
    return runs[len(runs) // 2]


def below_target(scores: dict) -> bool:
    return any(scores[name] < target for name, target in TARGETS.items())


def audit_once(url: str, report: Path) -> dict:
    # Lighthouse now and then fails to record a trace on a busy machine (NO_NAVSTART): retry.
    for attempt in range(1, 4):
        if lighthouse(url, report) == 0:
            break
        print(f"Lighthouse failed on {url} (attempt {attempt} of 3).", file=sys.stderr)
    else:
        raise SystemExit(f"Lighthouse could not audit {url}.")
    result = json.loads(report.read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in TARGETS}
    scores["failing"] = [
        f"{audit['id']}: {audit['title']} ({audit.get('displayValue', audit['score'])})"
        for audit in result["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    print(f"{url}: " + ", ".join(f"{name} {scores[name]}" for name in TARGETS), file=sys.stderr)
    return scores


def main() -> int:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` first.")
    with tempfile.TemporaryDirectory(prefix="digiopas-lighthouse-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "STATIC_ROOT": f"{folder}/static",
            "DEBUG": "false",
            "SECRET_KEY": "lighthouse-only-" + os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on the loopback: no redirect to HTTPS, no HSTS.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "FORM_MIN_FILL_SECONDS": "0",
        }
        port = free_port()
        server = start_server(port, env)
        try:
            pages = pages_to_audit(f"http://127.0.0.1:{port}", env)
            # LIGHTHOUSE_REPORTS=folder keeps each page's full JSON report there.
            reports = Path(os.environ.get("LIGHTHOUSE_REPORTS") or folder)
            reports.mkdir(parents=True, exist_ok=True)
            results = {
                name: audit(url, reports / f"{name.replace(' ', '-')}.json")
                for name, url in pages.items()
            }
        finally:
            server.terminate()
            server.wait()
    print(f"\n{'page':<14}" + "".join(f"{name:>16}" for name in TARGETS))
    print(f"{'(target)':<14}" + "".join(f"{'≥ ' + str(t):>16}" for t in TARGETS.values()))
    below = []
    for page, scores in results.items():
        print(f"{page:<14}" + "".join(f"{scores[name]:>16}" for name in TARGETS))
        if below_target(scores):
            below += [
                f"{page}: {name} {scores[name]} < {target}"
                for name, target in TARGETS.items()
                if scores[name] < target
            ]
            below += [f"    {line}" for line in scores["failing"]]
    if below:
        print("\nBelow target:\n" + "\n".join(below))
        return 1
    print("\nEvery page meets every target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
