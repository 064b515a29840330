"""Soak a running Versus with mixed traffic and report errors and worker memory.

Readers' pages, partner API calls with a key and editors' admin saves, from
--connections concurrent clients for --seconds. Exits non-zero on any error
(a 5xx, a refused connection, an unexpected status) or if worker memory grew
by more than --max-growth-mb.

    python bench/soak.py --url http://127.0.0.1:8000 --seconds 60 --connections 64 \\
        --api-key "$KEY" --admin-user admin --admin-password "$PASSWORD" \\
        --gunicorn-pid "$(cat gunicorn.pid)"

Standard library only, so it runs anywhere Python does.
"""

import argparse
import contextlib
import http.client
import itertools
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ADMIN_SHARE = 0.1
API_SHARE = 0.3
WARM_UP_SECONDS = 3
CHANGE_LINK = re.compile(r'href="(/admin/catalog/review/(\d+)/change/)')


# --- HTTP ----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str]


class Client:
    """One simulated visitor: its own cookies, a fresh connection per request."""

    def __init__(self, base_url: str, timeout: float = 60) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, headers=None, form=None) -> Answer:
        headers = dict(headers or {})
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base_url + path
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.getheaders()
            content = response.read()
        finally:
            connection.close()
        for name, value in raw:
            if name.lower() == "set-cookie":
                parsed = SimpleCookie()
                parsed.load(value)
                self.cookies.update({k: m.value for k, m in parsed.items()})
        return Answer(
            response.status, {k.lower(): v for k, v in raw}, content, self.cookies
        )


class FormReader(HTMLParser):
    """The fields a browser would submit from the page's main form."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = {k: (v or "") for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append(
                (name, a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in a
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag) -> None:
        if tag == "select" and self._select is not None:
            if not self._select_chosen and not self._select_multiple:
                self.fields.append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(html: bytes) -> list[tuple[str, str]]:
    reader = FormReader()
    reader.feed(html.decode("utf-8", errors="replace"))
    return reader.fields


# --- Traffic ---------------------------------------------------------------------------


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, outcome: str, error: str | None = None) -> None:
        with self.lock:
            self.counts[(kind, outcome)] += 1
            if error and len(self.errors) < 50:
                self.errors.append(error)


@dataclass
class Plan:
    pages: list[str]
    api: list[str]
    api_key: str
    admin_user: str
    admin_password: str


def discover(base_url: str, api_key: str) -> tuple[list[str], list[str]]:
    """Reader pages linked from the home page and the model list, and API paths."""
    client = Client(base_url)
    pages = {"/", "/models/"}
    for start in ("/", "/models/"):
        answer = client.request("GET", start)
        for href in re.findall(rb'href="(/[^"#?]*)"', answer.body):
            path = href.decode()
            if not path.startswith(("/static/", "/admin/", "/api/")):
                pages.add(path)
    api = ["/api/v1/models/", "/api/v1/vendors/", "/api/v1/comparisons/"]
    listing = client.request(
        "GET", "/api/v1/models/", headers={"Authorization": f"Api-Key {api_key}"}
    )
    if listing.status == 200:
        results = json.loads(listing.body).get("results", [])
        slugs = [item["slug"] for item in results if "slug" in item][:6]
        api += [f"/api/v1/models/{slug}/" for slug in slugs]
        api += [
            f"/api/v1/comparisons/{a}-vs-{b}/"
            for a, b in itertools.pairwise(sorted(slugs))
        ]
    return sorted(pages)[:80], api


def sign_in(client: Client, plan: Plan) -> None:
    page = client.request("GET", "/admin/login/")
    token = (
        re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        .group(1)
        .decode()
    )
    answer = client.request(
        "POST",
        "/admin/login/?next=/admin/",
        form={
            "username": plan.admin_user,
            "password": plan.admin_password,
            "csrfmiddlewaretoken": token,
        },
    )
    if answer.status != 302:
        raise RuntimeError(f"admin sign-in failed ({answer.status})")


def admin_save(client: Client, change_path: str, number: int) -> int:
    """Open a review in the admin and save it with a new summary, as an editor would."""
    page = client.request("GET", change_path)
    if page.status != 200:
        return page.status
    fields = [(k, v) for k, v in form_fields(page.body) if k != "summary"]
    fields += [("summary", f"Soak save {number}"), ("_save", "Save")]
    answer = client.request("POST", change_path, form=fields)
    return answer.status


def visitor(
    base_url: str,
    plan: Plan,
    tally: Tally,
    stop: threading.Event,
    index: int,
    review_paths: list[str],
) -> None:
    rng = random.Random(index)
    client = Client(base_url)
    admin_path = review_paths[index % len(review_paths)] if review_paths else None
    signed_in = False
    for number in itertools.count():
        if stop.is_set():
            return
        roll = rng.random()
        try:
            if admin_path and roll < ADMIN_SHARE:
                if not signed_in:
                    sign_in(client, plan)
                    signed_in = True
                status = admin_save(client, admin_path, number)
                kind, expected = "admin save", {302}
            elif roll < ADMIN_SHARE + API_SHARE:
                path = rng.choice(plan.api)
                status = client.request(
                    "GET", path, headers={"Authorization": f"Api-Key {plan.api_key}"}
                ).status
                kind, expected = "api", {200}
            else:
                path = rng.choice(plan.pages)
                status = client.request("GET", path).status
                kind, expected = "page", {200, 301, 302}
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            tally.record("connection", "error", f"{type(error).__name__}: {error}")
            continue
        outcome = "ok" if status in expected else str(status)
        tally.record(
            kind, outcome, None if outcome == "ok" else f"{kind} answered {status}"
        )


# --- Memory --------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
    return sorted(pids)


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def memory(master: int | None) -> dict[int, float]:
    if not master:
        return {}
    return {pid: rss_mb(pid) for pid in worker_pids(master)}


# --- Run ---------------------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    counts: Counter
    errors: list[str]
    memory_start: dict[int, float]
    memory_end: dict[int, float]
    seconds: float

    @property
    def failures(self) -> int:
        return sum(n for (_, outcome), n in self.counts.items() if outcome != "ok")

    @property
    def memory_growth_mb(self) -> float:
        shared = set(self.memory_start) & set(self.memory_end)
        return max(
            (self.memory_end[p] - self.memory_start[p] for p in shared), default=0.0
        )

    def report(self) -> str:
        lines = [
            f"{self.requests} requests in {self.seconds:.0f} s "
            f"({self.requests / max(self.seconds, 1):.0f}/s), {self.failures} errors"
        ]
        lines += [
            f"  {kind:<12} {outcome:<6} {n}"
            for (kind, outcome), n in sorted(self.counts.items())
        ]
        if self.memory_start:
            start = ", ".join(f"{v:.0f}" for v in self.memory_start.values())
            end = ", ".join(f"{v:.0f}" for v in self.memory_end.values())
            lines.append(
                f"  worker RSS MB: start [{start}] end [{end}], largest growth {self.memory_growth_mb:.1f}"
            )
        lines += [f"  ! {error}" for error in self.errors[:10]]
        return "\n".join(lines)


def run(
    base_url: str,
    *,
    seconds: float,
    connections: int,
    api_key: str,
    admin_user: str,
    admin_password: str,
    gunicorn_pid: int | None = None,
) -> Result:
    pages, api = discover(base_url, api_key)
    plan = Plan(pages, api, api_key, admin_user, admin_password)
    editor = Client(base_url)
    sign_in(editor, plan)
    changelist = editor.request("GET", "/admin/catalog/review/")
    review_paths = sorted(
        {
            m.group(1)
            for m in CHANGE_LINK.finditer(changelist.body.decode(errors="replace"))
        }
    )
    # A handful of editors, each on a review of their own: two editors saving
    # the same review are refused by edit locking, which is right but not load.
    editors = min(8, len(review_paths))

    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(
            target=visitor,
            args=(
                base_url,
                plan,
                tally,
                stop,
                index,
                review_paths if index < editors else [],
            ),
            daemon=True,
        )
        for index in range(connections)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(min(WARM_UP_SECONDS, seconds / 4))
    memory_start = memory(gunicorn_pid)
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    return Result(
        requests=sum(tally.counts.values()),
        counts=tally.counts,
        errors=tally.errors,
        memory_start=memory_start,
        memory_end=memory(gunicorn_pid),
        seconds=elapsed,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--admin-user", required=True)
    parser.add_argument("--admin-password", required=True)
    parser.add_argument(
        "--gunicorn-pid", type=int, help="sample the RSS of this master's workers"
    )
    parser.add_argument("--max-growth-mb", type=float, default=30)
    options = parser.parse_args()
    result = run(
        options.url,
        seconds=options.seconds,
        connections=options.connections,
        api_key=options.api_key,
        admin_user=options.admin_user,
        admin_password=options.admin_password,
        gunicorn_pid=options.gunicorn_pid,
    )
    print(result.report())
    if result.failures or result.memory_growth_mb > options.max_growth_mb:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
