"""The one list of what each process keeps in its own memory, so one call forgets it all.

A module that keeps state between requests in a module global (facts per
catalog version, the related-pairs index, rendered pages, local counts)
registers the function that empties it. `forget_process_memos()` then gives
a process the memory of one that just started: tests call it before each
test and to play "another worker"; nothing in production needs to, as every
such memo is keyed on the catalog version and retires itself.

Memos of pure functions (``functools.lru_cache`` on text formatting, search
normalisation, fonts) are keyed on their whole input, can never be stale,
and are not listed.
"""

from collections.abc import Callable
from threading import Lock

_forgetters: list[Callable[[], None]] = []
_lock = Lock()


def process_memo(forget: Callable[[], None]) -> Callable[[], None]:
    """Register `forget` (which empties one per-process memo); returns it unchanged."""
    with _lock:
        if forget not in _forgetters:
            _forgetters.append(forget)
    return forget


def forget_process_memos() -> None:
    """Empty every registered per-process memo, as in a freshly started process."""
    with _lock:
        forgetters = list(_forgetters)
    for forget in forgetters:
        forget()
