"""The shipped nginx site (deploy/nginx/versus.conf) is one Debian's nginx accepts."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ops.nginx import LOCATIONS, ROOT, nginx_binary

SITE = ROOT / "deploy" / "nginx" / "versus.conf"


def test_shipped_site_passes_nginx_config_test(tmp_path: Path):
    binary = nginx_binary()
    if binary is None or shutil.which("openssl") is None:
        pytest.skip("nginx and openssl are needed (.ci/apt-packages installs nginx)")
    # Stand-ins for what the host provides: a certificate, the cache directory.
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=versus.example.com"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = SITE.read_text()
    site = site.replace("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(certificate))
    site = site.replace("/etc/ssl/private/ssl-cert-snakeoil.key", str(key))
    site = site.replace("/var/cache/nginx/versus", str(tmp_path / "cache"))
    (tmp_path / "snippets").mkdir()
    shutil.copy(LOCATIONS, tmp_path / "snippets" / LOCATIONS.name)
    (tmp_path / "versus.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};\n"
        "events {}\n"
        f"http {{ include /etc/nginx/mime.types; {temp} include versus.conf; }}\n"
    )

    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
