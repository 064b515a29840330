"""A real HTTP server on loopback serving upstream snapshots, and the catalog they fill."""

import contextlib
import copy
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from catalog.importing import catalog_import

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "catalog"
    / "fixtures"
    / "models-dev"
    / "sample.json"
)


def sample() -> dict:
    return json.loads(SAMPLE.read_text())


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    etag: str = ""
    delay: float = 0.0


@dataclass
class Upstream:
    """What the server answers at /api.json; tests change it between syncs."""

    url: str
    answer: Answer = field(default_factory=Answer)
    requests: list[dict] = field(default_factory=list)

    def serve(self, document: dict, *, etag: str = "") -> None:
        self.answer = Answer(json.dumps(document).encode(), etag=etag)


class _Handler(BaseHTTPRequestHandler):
    upstream: Upstream

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        answer = self.upstream.answer
        self.upstream.requests.append(dict(self.headers))
        if answer.delay:
            time.sleep(answer.delay)
        if answer.etag and self.headers.get("If-None-Match") == answer.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.etag:
            self.send_header("ETag", answer.etag)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(answer.body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    host, port = server.server_address
    state = Upstream(url=f"http://{host}:{port}/api.json")
    server.RequestHandlerClass = type("Handler", (_Handler,), {"upstream": state})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def synced_catalog(db):
    """The catalog imported from the committed models.dev sample, as an editor would."""
    catalog_import(document=sample())


def changed(document: dict) -> dict:
    """The committed sample with the week's changes a test expects to see."""
    doc = copy.deepcopy(document)
    openai, anthropic = doc["openai"]["models"], doc["anthropic"]["models"]
    xai, openrouter = doc["xai"]["models"], doc["openrouter"]["models"]
    openai["gpt-4.1"]["cost"]["input"] = 1.5  # a price cut
    anthropic["claude-opus-4-6"]["cost"]["output"] = 30  # a price rise
    openai["gpt-3.5-turbo"]["cost"]["output"] = 1.2  # on a price an editor set
    grok5 = copy.deepcopy(xai["grok-4.3"])
    grok5.update(id="grok-5", name="Grok 5")
    xai["grok-5"] = grok5  # a new model
    openai["gpt-4o-mini"]["name"] = "GPT-4o mini (July 2024)"  # a rename
    del openrouter["openai/gpt-4.1-mini"]  # an offering gone
    openai["o3"]["reasoning"] = False  # a capability flip
    xai["grok-4.3"]["limit"]["output"] = 64000  # a new limit
    # Nulls and missing keys where values were: upstream never blanks.
    anthropic["claude-3-haiku-20240307"]["limit"]["context"] = None
    anthropic["claude-3-haiku-20240307"].pop("release_date", None)
    anthropic["claude-3-5-sonnet-20241022"].pop("cost")
    return doc
