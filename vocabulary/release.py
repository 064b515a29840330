"""Which release of the code is running: a short name for everything a page is made from.

Cached pages and answers are keyed on it (with the catalog version), so a
deploy that changes a template, a rule or a stylesheet retires every page made
by the code before it, with no manual step.
"""

import hashlib
from collections.abc import Iterable
from pathlib import Path

SKIPPED_PARTS = {"__pycache__", "node_modules", ".git"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def code_release(root: Path, folders: Iterable[str]) -> str:
    """Twelve hex digits of a hash of every file (path and bytes) under the folders.

    Files are read in path order, so the same tree gives the same name on every
    server; a changed, added, removed or renamed file gives another one.
    """
    digest = hashlib.sha256()
    for folder in sorted(folders):
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(root)
            if (
                not path.is_file()
                or SKIPPED_PARTS.intersection(relative.parts)
                or path.suffix in SKIPPED_SUFFIXES
            ):
                continue
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
