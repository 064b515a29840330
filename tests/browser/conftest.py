"""Browser-test harness: a real server on loopback and Debian's Chromium via Playwright.

The site runs as it does in production: gunicorn, DEBUG off, static files collected
and served (compressed) by whitenoise, a database of its own loaded with the demo
catalog. Tests drive it through Playwright for Python with /usr/bin/chromium; a test
tool's own browser download does not work on our machines, so it is never used.

Every test here is marked ``xdist_group("browser")`` and pytest runs with
``--dist loadgroup``, so one worker runs them all, one after another, against one
server. Playwright's sync API keeps an asyncio loop running while a browser is open,
which Django refuses to query the database under; the browser is therefore opened
per package and closed before the worker moves on to database tests.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_CATALOG,
    DESKTOP,
    EDITOR_USERNAME,
    ROOT,
    SERVER_START_TIMEOUT,
)
from tests.databases import throwaway_postgres

NOT_CI = {"", "0", "false", "no", "off"}


def in_ci() -> bool:
    """CI runners set CI (``.ci/run`` sets CI=true); any value but a "no" counts."""
    return os.environ.get("CI", "").strip().lower() not in NOT_CI


def missing(reason: str) -> None:
    """Fail in CI, where a missing tool means a broken set-up; skip on a laptop."""
    if in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


# --- The server ------------------------------------------------------------------


@dataclass
class Site:
    """A running Versus: its address, its environment and its editor's login."""

    url: str
    env: dict[str, str]
    log_path: Path
    editor_username: str = EDITOR_USERNAME
    editor_password: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def manage(self, *args: str) -> str:
        """Run a management command against the server's own database."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            pytest.fail(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code)

    def log_tail(self, lines: int = 40) -> str:
        text = (
            self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        )
        return "\n".join(text.splitlines()[-lines:])


def _server_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The test run's own settings and cache must not leak into the server.
        if not key.startswith(("PYTEST_", "DJANGO_")) and key != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(tmp / "static"),
        VAR_DIR=str(tmp / "var"),
        LOG_LEVEL="WARNING",
        HTTPS="false",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextlib.contextmanager
def _database(tmp: Path, worker: str) -> Iterator[str]:
    """A database for this server alone: a temp SQLite file, or a fresh PostgreSQL DB."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp / 'site.sqlite3'}"
        return

    with throwaway_postgres(base, f"versus_browser_{worker}") as url:
        yield url


def _prepare(site: Site) -> None:
    """Migrate, load the demo catalog, add an editor, collect static files."""
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # One process for the three steps: Django starts once, not three times.
    site.shell(
        "from django.contrib.auth.models import Group, User\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        f"call_command('import_catalog', {str(DEMO_CATALOG)!r}, verbosity=0)\n"
        f"user = User.objects.create_user({site.editor_username!r}, "
        f"password={site.editor_password!r}, is_staff=True)\n"
        "user.groups.add(Group.objects.get(name='Editors'))\n"
    )
    output, _ = collect.communicate(timeout=180)
    if collect.returncode != 0:
        pytest.fail(f"collectstatic failed:\n{output}", pytrace=False)


def _wait_until_up(site: Site, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the server exited at start:\n{site.log_tail()}", pytrace=False
            )
        try:
            with urllib.request.urlopen(f"{site.url}/robots.txt", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers; the page itself is another test's business
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer in time:\n{site.log_tail()}", pytrace=False)


@pytest.fixture(scope="session")
def site(tmp_path_factory, worker_id) -> Iterator[Site]:
    """Versus served by gunicorn on a free loopback port, with the demo catalog."""
    tmp = tmp_path_factory.mktemp("site")
    with _database(tmp, worker_id) as database_url:
        # Bind the port here and hand the socket to gunicorn: no race for the port.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        listener.set_inheritable(True)
        port = listener.getsockname()[1]
        site = Site(
            url=f"http://127.0.0.1:{port}",
            env=_server_env(tmp, database_url),
            log_path=tmp / "server.log",
        )
        _prepare(site)
        with site.log_path.open("w") as log:
            # One process: the local-memory cache (no REDIS_URL) is per process,
            # and an edit must show on the very next page load.
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--worker-class",
                    "gthread",
                    "--access-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=site.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
                start_new_session=True,
            )
        listener.close()
        try:
            _wait_until_up(site, process)
            yield site
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- The browser -----------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _browser_installed() -> None:
    """Checked before the server starts: no point serving a site nobody can open."""
    if not CHROMIUM.exists():
        missing(
            f"{CHROMIUM} is not installed: the browser tests need Debian's Chromium "
            "(apt-get install chromium; .ci/apt-packages lists it for CI)."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing(
            "Playwright for Python is not installed: pip install -r requirements.lock"
        )


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless, opened once for the package and closed after it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@dataclass
class Traffic:
    """What a page asked for and what went wrong while a test ran."""

    requests: list = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def new_page(browser, site, traffic):
    """Open a page in a fresh context (``new_page(viewport=PHONE, ...)``).

    Every request is recorded in ``traffic``; a 5xx answer, an uncaught script
    error or a resource the Content-Security-Policy blocks fails the test.
    """
    contexts = []

    def open_page(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("color_scheme", "light")
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: traffic.requests.append(request))
        context.on("response", lambda response: _note_server_error(traffic, response))
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: traffic.script_errors.append(str(error)))
        page.on("console", lambda message: _note_csp_violation(traffic, message))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not traffic.server_errors, (
        f"server errors: {traffic.server_errors}\n{site.log_tail()}"
    )
    assert not traffic.script_errors, f"script errors: {traffic.script_errors}"


def _note_csp_violation(traffic: Traffic, message) -> None:
    # A script or style the Content-Security-Policy blocks is a broken page.
    if message.type == "error" and "Content Security Policy" in message.text:
        traffic.script_errors.append(message.text)


def _note_server_error(traffic: Traffic, response) -> None:
    if response.status >= 500:
        traffic.server_errors.append(f"{response.status} {response.url}")


@pytest.fixture
def page(new_page):
    """A desktop-sized page in the light scheme."""
    return new_page()
