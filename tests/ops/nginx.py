"""nginx in front of the app with the shipped configuration (deploy/nginx/).

The server block is built here, with the test's ports and directories, around
deploy/nginx/versus-locations.conf itself, so what is tested is what ships.
Started on a free port with a prefix of its own; never the system's nginx.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCATIONS = ROOT / "deploy" / "nginx" / "versus-locations.conf"
START_TIMEOUT = 20

CONFIG = """
daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    proxy_cache_path {prefix}/cache levels=1:2 keys_zone=versus:16m
                     max_size=256m inactive=1h use_temp_path=off;
    upstream versus_app {{
{upstreams}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        location /static/ {{
            alias {static_root}/;
            add_header Cache-Control "public, max-age=3600";
            location ~ "\\.[0-9a-f]{{12}}\\.[a-z0-9]+$" {{
                add_header Cache-Control "public, max-age=31536000, immutable";
            }}
        }}
        location = /bench-static.html {{
            root {prefix}/www;
        }}
        include {locations};
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NginxFront:
    """An nginx of the test's own, proxying to the given app servers."""

    def __init__(
        self, prefix: Path, upstreams: list[str], static_root: Path, workers: int = 1
    ) -> None:
        self.prefix = prefix
        self.prefix.mkdir(parents=True, exist_ok=True)
        (self.prefix / "www").mkdir(exist_ok=True)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(
            f"        server {address.removeprefix('http://')};"
            for address in upstreams
        )
        # Workers of a root master switch to "nobody", who cannot read the
        # test's private directories.
        user = "user root;" if os.geteuid() == 0 else ""
        self.config = self.prefix / "nginx.conf"
        self.config.write_text(
            CONFIG.format(
                workers=workers,
                prefix=self.prefix,
                user=user,
                upstreams=servers,
                port=self.port,
                static_root=static_root,
                locations=LOCATIONS,
            )
        )
        self.process: subprocess.Popen | None = None

    def static_file(self, content: bytes) -> str:
        """Serve content as a plain file; answers its address."""
        (self.prefix / "www" / "bench-static.html").write_bytes(content)
        return f"{self.url}/bench-static.html"

    def start(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        check = subprocess.run(
            [binary, "-t", "-p", str(self.prefix), "-c", str(self.config)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.process = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(
            f"nginx did not start:\n{(self.prefix / 'error.log').read_text()}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # QUIT: finish the requests in flight, then exit (master and workers).
        os.killpg(self.process.pid, signal.SIGQUIT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
