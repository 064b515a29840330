"""A PostgreSQL database of a test's own, beside the one DATABASE_URL names."""

import contextlib
import secrets
import urllib.parse
from collections.abc import Iterator


@contextlib.contextmanager
def throwaway_postgres(base_url: str, prefix: str) -> Iterator[str]:
    """Create `<prefix>_<random>` on base_url's server, yield its URL, drop it after.

    For tests that start servers of their own (two gunicorn servers, the browser
    tests' site), so that they never share tables with pytest-django's database.
    """
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(base_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
