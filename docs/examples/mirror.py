"""Keep an exact local copy of the Versus catalog: one export, then the change feed.

    python mirror.py https://versus.example.com/api/v1 "$KEY" catalog.json

The first run saves the full export (a catalog/1 document with its "cursor").
Each later run reads /changes/ after that cursor, applies every page in order
and saves the document with the new cursor, so the file always equals a fresh
export of the published catalog. A 410 means the copy is older than the
changes the API keeps: the script exports again. Standard library only.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# How each list of the document is keyed and sorted, as the export sorts it.
TOP_KEYS = {
    "vendor": ("vendors", ("slug",)),
    "provider": ("providers", ("slug",)),
    "benchmark": ("benchmarks", ("slug",)),
    "model": ("models", ("slug",)),
    "comparison": ("comparisons", ("models",)),
}
PART_KEYS = {
    "offering": ("offerings", ("provider",)),
    "score": ("scores", ("benchmark",)),
    "review": ("reviews", ("reviewed_on", "reviewer")),
}


class Expired(Exception):
    """The cursor is older than the changes the API keeps (410)."""


def get_json(url: str, key: str):
    request = urllib.request.Request(url, headers={"Authorization": f"Api-Key {key}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 410:
            raise Expired(json.load(error)["detail"]) from None
        raise


def _key(item: dict, fields: tuple[str, ...]) -> tuple:
    return tuple(json.dumps(item[field]) for field in fields)


def _put(items: list, new: dict | None, match: dict, fields: tuple[str, ...]) -> None:
    """Replace (or add, or with new=None remove) the item whose key fields match."""
    wanted = _key(match, fields)
    items[:] = [item for item in items if _key(item, fields) != wanted]
    if new is not None:
        items.append(new)
        items.sort(key=lambda item: [item[field] for field in fields])


def apply_change(document: dict, change: dict) -> None:
    """Apply one change of the feed to a catalog/1 document, in place."""
    kind, upsert = change["kind"], change["action"] == "upsert"
    new = change["object"] if upsert else None
    if kind in TOP_KEYS:
        name, fields = TOP_KEYS[kind]
        match = {"slug": change["slug"], "models": change.get("models")}
        _put(document[name], new, match, fields)
        return
    # An offering, score or review lives in its model; a model we do not hold
    # (it was unpublished later in the feed) has nothing to change.
    name, fields = PART_KEYS[kind]
    for model in document["models"]:
        if model["slug"] == change["model"]:
            _put(model[name], new, change, fields)


def follow(document: dict, api: str, key: str) -> int:
    """Apply every change after the document's cursor; how many were applied."""
    applied = 0
    query = urllib.parse.urlencode({"after": document["cursor"], "page_size": 200})
    url = f"{api}/changes/?{query}"
    while url:
        page = get_json(url, key)
        for change in page["results"]:
            apply_change(document, change)
            applied += 1
        document["cursor"] = page["cursor"]
        url = page["next"]
    return applied


def main(api: str, key: str, path: str) -> None:
    target = Path(path)
    api = api.rstrip("/")
    if target.exists():
        document = json.loads(target.read_text(encoding="utf-8"))
        try:
            applied = follow(document, api, key)
            print(f"{applied} change(s) applied")
        except Expired as expired:
            print(f"{expired} Exporting again.")
            document = get_json(f"{api}/export/", key)
    else:
        document = get_json(f"{api}/export/", key)
        print(f"exported {len(document['models'])} models")
    # Write beside the file and rename, so an interrupted run never leaves half.
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    partial.replace(target)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: mirror.py API_URL KEY FILE")
    main(*sys.argv[1:])
