"""A store a process keeps between requests, bounded in bytes: least recently
used first out (rendered pages, models' facts)."""

import threading
from collections import OrderedDict
from collections.abc import Hashable


class BoundedStore:
    """Values by key, each with its size in bytes; past the budget given with
    each put, the least recently used are let go."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self.size = 0

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is None:
                return None
            self._entries.move_to_end(key)
            return kept[0]

    def put(self, key: Hashable, value: object, size: int, budget: int) -> None:
        """Keep `value` (replacing what `key` held), unless it alone is over budget."""
        if size > budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (value, size)
            self.size += size
            while self.size > budget:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)
