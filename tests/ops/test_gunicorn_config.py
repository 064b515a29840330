"""config/gunicorn.conf.py: two servers on one host never share a control socket.

gunicorn's control socket defaults to one path per user ($XDG_RUNTIME_DIR or
~/.gunicorn/gunicorn.ctl): a second server took it over from the first.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.ops.stack import ROOT, free_port


def start(tmp_path: Path, name: str, **env: str) -> subprocess.Popen:
    port = free_port()
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "DJANGO_"))
        },
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "HOME": str(tmp_path / "home"),
        "XDG_RUNTIME_DIR": "",
        "VAR_DIR": str(tmp_path / name),
        "DATABASE_URL": f"sqlite:///{tmp_path / name / 'db.sqlite3'}",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "ACCESS_LOG": "off",
        **env,
    }
    environment.pop("REDIS_URL", None)
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - the process keeps it
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return process
        assert process.poll() is None, (tmp_path / f"{name}.log").read_text()
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_no_server_opens_the_shared_control_socket(tmp_path):
    servers = [start(tmp_path, "first"), start(tmp_path, "second")]
    try:
        shared = tmp_path / "home" / ".gunicorn" / "gunicorn.ctl"
        assert not shared.exists()
    finally:
        for server in servers:
            stop(server)


def test_a_control_socket_asked_for_is_the_servers_own(tmp_path):
    paths = [tmp_path / "first.ctl", tmp_path / "second.ctl"]
    servers = [
        start(tmp_path, name, GUNICORN_CONTROL_SOCKET=str(path))
        for name, path in zip(("first", "second"), paths, strict=True)
    ]
    try:
        deadline = time.monotonic() + 10
        while not all(path.is_socket() for path in paths):
            assert time.monotonic() < deadline, "no control socket appeared"
            time.sleep(0.1)
    finally:
        for server in servers:
            stop(server)
    assert not (tmp_path / "home" / ".gunicorn" / "gunicorn.ctl").exists()
