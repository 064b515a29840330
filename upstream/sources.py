"""Read upstream data: fetch a URL (conditionally, bounded) or a file, then check it.

Whatever the source, the result is a `Snapshot`: the data as `catalog/1` model
entries, each with the upstream identities (keys) it was read from.
"""

import gzip
import io
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from catalog.importing import CatalogError, document_load, models_dev
from catalog.importing.validation import catalog_validate

MODELS_DEV = "models.dev"
USER_AGENT = "Versus upstream sync (+https://github.com/)"
CHUNK = 64 * 1024

TIMEOUT_MESSAGE = (
    "{url}: no complete answer within {seconds:g} seconds; nothing was changed."
)
STATUS_MESSAGE = "{url}: the server answered {status} {reason}; nothing was changed."
NETWORK_MESSAGE = "{url}: could not be fetched ({reason}); nothing was changed."
TOO_LARGE_MESSAGE = (
    "{where}: the data is larger than the limit of {limit:,} bytes "
    "(VERSUS_UPSTREAM_MAX_BYTES); nothing was changed."
)
NOT_JSON_MESSAGE = "{where}: not the expected data; nothing was changed. {detail}"
UNKNOWN_SHAPE_MESSAGE = (
    "neither a catalog/1 document nor the models.dev aggregate "
    "(api.json: {provider id: {id, name, models}})"
)
FILE_MESSAGE = "{where}: cannot read the file ({reason}); nothing was changed."


class SourceError(Exception):
    """The source could not be read; the message says why, for an editor."""


@dataclass
class Fetched:
    body: bytes | None  # None: not modified since the last sync
    etag: str = ""
    last_modified: str = ""


@dataclass
class UpstreamModel:
    """One model as upstream lists it, with the identities it was read from."""

    entry: dict
    # (key, provider slug); the provider is "" for a key naming the model itself.
    keys: list[tuple[str, str]]

    @property
    def slug(self) -> str:
        return self.entry["slug"]


@dataclass
class Snapshot:
    source: str  # the identity space: "models.dev", or "catalog/1 <name>"
    label: str  # where it was read from, for people
    models: list[UpstreamModel] = field(default_factory=list)
    vendors: dict[str, dict] = field(default_factory=dict)
    providers: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def url_fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Fetched:
    """GET the URL with a time-out, a size limit and a conditional request."""
    timeout = settings.VERSUS_UPSTREAM_TIMEOUT if timeout is None else timeout
    max_bytes = settings.VERSUS_UPSTREAM_MAX_BYTES if max_bytes is None else max_bytes
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise SourceError(TOO_LARGE_MESSAGE.format(where=url, limit=max_bytes))
            body = io.BytesIO()
            while chunk := response.read(CHUNK):
                body.write(chunk)
                if body.tell() > max_bytes:
                    raise SourceError(
                        TOO_LARGE_MESSAGE.format(where=url, limit=max_bytes)
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError
            return Fetched(
                body.getvalue(),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None, etag=etag, last_modified=last_modified)
        raise SourceError(
            STATUS_MESSAGE.format(url=url, status=error.code, reason=error.reason)
        ) from None
    except TimeoutError:
        raise SourceError(TIMEOUT_MESSAGE.format(url=url, seconds=timeout)) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise SourceError(
                TIMEOUT_MESSAGE.format(url=url, seconds=timeout)
            ) from None
        raise SourceError(
            NETWORK_MESSAGE.format(url=url, reason=error.reason)
        ) from None
    except OSError as error:
        raise SourceError(NETWORK_MESSAGE.format(url=url, reason=error)) from None


def file_read(path: str | os.PathLike, *, max_bytes: int | None = None) -> bytes:
    """A local file's bytes, gunzipped if it is gzip, within the size limit."""
    max_bytes = settings.VERSUS_UPSTREAM_MAX_BYTES if max_bytes is None else max_bytes
    where = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise SourceError(
            FILE_MESSAGE.format(where=where, reason=error.strerror)
        ) from None
    return bytes_unpack(raw, where=where, max_bytes=max_bytes)


def bytes_unpack(raw: bytes, *, where: str, max_bytes: int | None = None) -> bytes:
    """Gunzip when the data is gzip; refuse anything over the size limit."""
    max_bytes = settings.VERSUS_UPSTREAM_MAX_BYTES if max_bytes is None else max_bytes
    if len(raw) > max_bytes:
        raise SourceError(TOO_LARGE_MESSAGE.format(where=where, limit=max_bytes))
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                raw = unpacked.read(max_bytes + 1)
        except (OSError, EOFError) as error:
            raise SourceError(
                NOT_JSON_MESSAGE.format(where=where, detail=f"Broken gzip: {error}.")
            ) from None
        if len(raw) > max_bytes:
            raise SourceError(TOO_LARGE_MESSAGE.format(where=where, limit=max_bytes))
    return raw


def facts_beside(path: str) -> dict | None:
    """models.dev keeps provider-agnostic facts in models.json next to api.json."""
    beside = Path(path).with_name(models_dev.FACTS_FILENAME)
    if not beside.is_file() or beside.resolve() == Path(path).resolve():
        return None
    try:
        return document_load(file_read(beside))
    except (CatalogError, SourceError):
        return None


def snapshot_read(raw: bytes, *, where: str, facts: dict | None = None) -> Snapshot:
    """Check the data and read it as upstream models; SourceError if it is not usable."""
    try:
        document = document_load(raw)
        if "format" in document:
            source = f"catalog/1 {where}"[:200]
            checked = catalog_validate(document)
            del checked  # the check is what counts; the entries are read raw below
            snapshot = Snapshot(source=source, label=where)
            for entry in document.get("models") or []:
                keys = [(entry["slug"], "")] + [
                    (f"{entry['slug']}@{o['provider']}", o["provider"])
                    for o in entry.get("offerings") or []
                ]
                snapshot.models.append(UpstreamModel(entry, keys))
        else:
            if not models_dev.looks_like_models_dev(document):
                raise CatalogError([UNKNOWN_SHAPE_MESSAGE])
            conversion = models_dev.models_dev_convert(api=document, facts=facts)
            document = conversion.document
            catalog_validate(document)
            snapshot = Snapshot(source=MODELS_DEV, label=where, notes=conversion.notes)
            for entry in document["models"]:
                keys = [
                    (f"{o['provider']}/{o['provider_model_id']}", o["provider"])
                    for o in entry["offerings"]
                ]
                snapshot.models.append(UpstreamModel(entry, keys))
    except CatalogError as error:
        shown = "; ".join(error.errors[:5])
        more = len(error.errors) - 5
        detail = shown + (f" … and {more} more" if more > 0 else "")
        raise SourceError(NOT_JSON_MESSAGE.format(where=where, detail=detail)) from None
    snapshot.vendors = {v["slug"]: v for v in document.get("vendors") or []}
    snapshot.providers = {p["slug"]: p for p in document.get("providers") or []}
    return snapshot
