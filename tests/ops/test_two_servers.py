"""Scale-out for real: two gunicorn servers sharing one PostgreSQL and one Redis.

An edit saved through one server's admin is on the other's pages and API at
the very next request, and a partner's rate is counted across both. Each
server runs config/gunicorn.conf.py with production settings; the database is
one of the test's own, dropped afterwards, and the Redis keys carry a prefix
of their own, deleted afterwards.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis

from tests.databases import throwaway_postgres
from tests.ops.nginx import NginxFront, nginx_binary

ROOT = Path(__file__).resolve().parents[2]
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_TIMEOUT = 90
EDITOR = "two-servers-editor"

pytestmark = pytest.mark.xdist_group("two-servers")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@dataclass
class Servers:
    urls: list[str]
    env: dict[str, str]
    password: str
    key: str
    limited_key: str
    slug: str
    model_id: int

    def manage(self, *args: str) -> str:
        return _manage(self.env, *args)


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}", pytrace=False
        )
    return result.stdout


SETUP = """
import json
from django.contrib.auth.models import User
from catalog.models import LLMModel
from api.models import PartnerKey
User.objects.create_superuser({editor!r}, password={password!r})
_, key = PartnerKey.objects.create_key(name="two servers", rate="100000/hour")
_, limited = PartnerKey.objects.create_key(name="limited", rate="5/minute")
model = LLMModel.objects.published().order_by("slug").first()
print(json.dumps({{"key": key, "limited": limited, "slug": model.slug, "id": model.pk}}))
"""


def _start(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, str]:
    # Bind here and hand the socket over: no race for a free port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.set_inheritable(True)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "BIND": f"fd://{listener.fileno()}"},
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
            start_new_session=True,
        )
    listener.close()
    return process, url


def _wait(process: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"gunicorn exited:\n{log_path.read_text()[-3000:]}", pytrace=False
            )
        try:
            with urllib.request.urlopen(f"{url}/robots.txt", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(
        f"gunicorn did not answer:\n{log_path.read_text()[-3000:]}", pytrace=False
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "two servers need a database both can reach: set DATABASE_URL to "
            "PostgreSQL (CI does); SQLite is one process's file"
        )
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        _unavailable(
            f"no Redis at {TEST_REDIS_URL} (set TEST_REDIS_URL; CI starts one)"
        )
    tmp = tmp_path_factory.mktemp("two-servers")
    prefix = f"versus-two-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    with throwaway_postgres(base, "versus_twoservers") as database_url:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url,
            REDIS_URL=TEST_REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            SECRET_KEY=secrets.token_urlsafe(50),
            DEBUG="false",
            HTTPS="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            STATIC_ROOT=str(tmp / "static"),
            VAR_DIR=str(tmp / "var"),
            WEB_CONCURRENCY="2",
            ACCESS_LOG="off",
            LOG_LEVEL="WARNING",
        )
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
        )
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "generate_catalog", "--models", "20", "--seed", "6")
        found = json.loads(
            _manage(env, "shell", "-c", SETUP.format(editor=EDITOR, password=password))
            .strip()
            .splitlines()[-1]
        )
        assert collect.wait(timeout=300) == 0, "collectstatic failed"
        started = []
        try:
            for name in ("a", "b"):
                started.append((*_start(env, tmp / f"{name}.log"), tmp / f"{name}.log"))
            for process, url, log_path in started:
                _wait(process, url, log_path)
            yield Servers(
                urls=[url for _, url, _ in started],
                env=env,
                password=password,
                key=found["key"],
                limited_key=found["limited"],
                slug=found["slug"],
                model_id=found["id"],
            )
        finally:
            for process, _, _ in started:
                _stop(process)
            client = redis.Redis.from_url(TEST_REDIS_URL)
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)


# --- A small browser: cookies, forms ------------------------------------------------


class FormReader(HTMLParser):
    """Collects the fields of the page's main form as a browser would submit them."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select":
            self._select, self._select_value, self._chosen = attrs["name"], None, False
        elif tag == "option" and self._select is not None and not self._chosen:
            # The selected option, or else the first one, as a browser sends.
            if "selected" in attrs or self._select_value is None:
                self._select_value = attrs.get("value", "")
                self._chosen = "selected" in attrs
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            if self._select_value is not None:
                self.fields.append((self._select, self._select_value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def request(self, path: str, data: list[tuple[str, str]] | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if body is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def form(self, path: str, form_id: str) -> list[tuple[str, str]]:
        status, html = self.request(path)
        assert status == HTTPStatus.OK, f"GET {path}: {status}"
        reader = FormReader(form_id)
        reader.feed(html)
        return reader.fields


def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def rename_in_admin(base: str, servers: Servers, new_name: str) -> None:
    """Sign in to the admin at base and rename the servers' model, as an editor does."""
    editor = Browser(base)
    fields = editor.form("/admin/login/", "login-form")
    fields = [(n, v) for n, v in fields if n not in {"username", "password"}]
    status, _ = editor.request(
        "/admin/login/?next=/admin/",
        [*fields, ("username", EDITOR), ("password", servers.password)],
    )
    assert status == HTTPStatus.OK
    change = f"/admin/catalog/llmmodel/{servers.model_id}/change/"
    fields = editor.form(change, "llmmodel_form")
    assert any(name == "name" for name, _ in fields), (
        "the admin change form was not found"
    )
    fields = [(n, new_name if n == "name" else v) for n, v in fields]
    status, html = editor.request(change, fields)
    assert status == HTTPStatus.OK
    errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    assert not errors, f"the admin refused the edit: {errors}"


def test_edit_through_one_server_is_on_the_others_page_and_api_at_once(servers):
    server_a, server_b = servers.urls
    page = f"{server_b}/models/{servers.slug}/"
    api = f"{server_b}/api/v1/models/{servers.slug}/"
    auth = {"Authorization": f"Api-Key {servers.key}"}
    # Server B has the page and the answer cached before the edit.
    for _ in range(2):
        assert get(page)[0] == HTTPStatus.OK
        assert get(api, auth)[0] == HTTPStatus.OK
    new_name = f"Renamed {secrets.token_hex(3)}"
    assert new_name not in get(page)[1]

    rename_in_admin(server_a, servers, new_name)
    assert new_name in get(f"{server_a}/models/{servers.slug}/")[1]

    status, html = get(page)
    assert status == HTTPStatus.OK
    assert new_name in html
    status, body = get(api, auth)
    assert status == HTTPStatus.OK
    assert json.loads(body)["name"] == new_name


def test_partner_rate_is_counted_across_both_servers(servers):
    """A key allowed 5 requests a minute gets 3 from one server, 2 from the other, then 429."""
    auth = {"Authorization": f"Api-Key {servers.limited_key}"}
    server_a, server_b = servers.urls
    statuses = [get(f"{server_a}/api/v1/vendors/", auth)[0] for _ in range(3)]
    statuses += [get(f"{server_b}/api/v1/vendors/", auth)[0] for _ in range(2)]

    assert statuses == [HTTPStatus.OK] * 5
    assert get(f"{server_b}/api/v1/vendors/", auth)[0] == HTTPStatus.TOO_MANY_REQUESTS
    assert get(f"{server_a}/api/v1/vendors/", auth)[0] == HTTPStatus.TOO_MANY_REQUESTS


# --- nginx in front (deploy/nginx/) --------------------------------------------------

# How long after an edit is saved readers may still get the page from before it,
# through the cache: its shared lifetime plus the stale-while-revalidate window
# (settings VERSUS_PAGE_SHARED_MAX_AGE and VERSUS_PAGE_STALE_WHILE_REVALIDATE,
# 1 s each by default), plus a second for nginx's whole-second clock.
FRESHNESS_BOUND = 3.0


@pytest.fixture(scope="module")
def front(servers, tmp_path_factory):
    if nginx_binary() is None:
        _unavailable("nginx is not installed (.ci/apt-packages lists it)")
    nginx = NginxFront(
        tmp_path_factory.mktemp("nginx"),
        servers.urls,
        Path(servers.env["STATIC_ROOT"]),
    )
    nginx.start()
    yield nginx
    nginx.stop()


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def reader_pages(servers: Servers) -> list[str]:
    """The model's page, the model list and a pair page with the model."""
    model_page = f"/models/{servers.slug}/"
    html = get(servers.urls[0] + model_page)[1]
    pair = re.search(rf'href="(/compare/[^"?]*{re.escape(servers.slug)}[^"?]*/)"', html)
    assert pair, "the model page links no pair page"
    return [model_page, "/models/", pair.group(1)]


def test_reader_pages_come_from_the_cache_in_front(servers, front):
    for path in reader_pages(servers):
        statuses = [fetch(front.url + path)[1].get("X-Cache-Status") for _ in range(3)]
        assert statuses[0] in {"MISS", "EXPIRED", "REVALIDATED", "HIT"}, path
        assert "HIT" in statuses, f"{path}: {statuses}"


def test_both_servers_give_a_page_the_same_etag(servers):
    # The host a cache in front passes on (links are absolute without SITE_URL).
    host = {"Host": "localhost"}
    for path in reader_pages(servers):
        answers = [fetch(url + path, host) for url in servers.urls]
        assert answers[0][2] == answers[1][2], path
        assert answers[0][1]["ETag"] == answers[1][1]["ETag"], path
        assert answers[0][1]["Cache-Control"].startswith("public"), path


def test_an_admin_edit_shows_through_the_cache_within_a_second_or_two(servers, front):
    pages = reader_pages(servers)
    for path in pages:
        for _ in range(2):
            fetch(front.url + path)
        assert fetch(front.url + path)[1].get("X-Cache-Status") == "HIT", path
    new_name = f"Fresh {secrets.token_hex(3)}"

    rename_in_admin(front.url, servers, new_name)
    saved = time.monotonic()

    waiting = set(pages)
    while waiting and time.monotonic() - saved < FRESHNESS_BOUND + 5:
        for path in list(waiting):
            if new_name.encode() in fetch(front.url + path)[2]:
                waiting.discard(path)
                elapsed = time.monotonic() - saved
                assert elapsed <= FRESHNESS_BOUND, f"{path} took {elapsed:.1f} s"
        time.sleep(0.05)
    assert not waiting, f"still the old name after the bound: {waiting}"


def test_expired_pages_are_revalidated_not_rendered_again(servers, front):
    path = reader_pages(servers)[0]
    fetch(front.url + path)
    time.sleep(2.5)

    statuses = [fetch(front.url + path)[1].get("X-Cache-Status") for _ in range(3)]

    # The first request after expiry is answered while nginx asks the app
    # with If-None-Match; the app's 304 keeps the stored page.
    assert statuses[0] in {"REVALIDATED", "STALE", "UPDATING"}, statuses
    assert statuses[-1] in {"HIT", "REVALIDATED"}, statuses


def test_the_admin_the_api_and_signed_in_editors_bypass_the_cache(servers, front):
    auth = {"Authorization": f"Api-Key {servers.key}"}
    for _ in range(2):
        status, headers, _ = fetch(f"{front.url}/api/v1/models/", auth)
        assert status == HTTPStatus.OK
        assert "X-Cache-Status" not in headers
        assert "public" not in headers["Cache-Control"]
    status, headers, _ = fetch(f"{front.url}/admin/login/")
    assert status == HTTPStatus.OK
    assert "X-Cache-Status" not in headers
    page = front.url + reader_pages(servers)[0]
    fetch(page)

    status, headers, _ = fetch(page, {"Cookie": "sessionid=some-editor"})

    assert headers["X-Cache-Status"] == "BYPASS"
    assert "no-store" in headers["Cache-Control"]


def test_static_files_are_served_by_nginx_from_static_root(servers, front):
    static_root = Path(servers.env["STATIC_ROOT"])
    # The hashed name the pages link (collectstatic's manifest storage).
    stylesheet = next(
        path
        for path in static_root.glob("css/site.*.css")
        if re.fullmatch(r"site\.[0-9a-f]{12}\.css", path.name)
    )

    status, headers, body = fetch(f"{front.url}/static/css/{stylesheet.name}")

    assert status == HTTPStatus.OK
    assert body == stylesheet.read_bytes()
    assert headers["Server"].startswith("nginx")
    assert "immutable" in headers["Cache-Control"]
