"""A value built from the database, kept per process and rebuilt when a cheap version query says its
sources changed. The version is asked at most every ``settings.PEERS_VERSION_CHECK_SECONDS``: asking
on every read would cost tens of milliseconds at 50,000 cases, while a value a few seconds behind a
new publication harms nobody."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.conf import settings

T = TypeVar("T")


class VersionedCache(Generic[T]):
    def __init__(self, version: Callable[[], Hashable], build: Callable[[Hashable], T]) -> None:
        self._version, self._build = version, build
        self._lock = threading.Lock()
        self._value: tuple[Hashable, T] | None = None
        self._checked_at = 0.0

    def get(self) -> T:
        cached = self._value
        now = time.monotonic()
        if cached is not None and now - self._checked_at < settings.PEERS_VERSION_CHECK_SECONDS:
            return cached[1]
        version = self._version()
        self._checked_at = now
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:  # one thread rebuilds, the others wait and reuse it
            if self._value is None or self._value[0] != version:
                self._value = (version, self._build(version))
            return self._value[1]

    def clear(self) -> None:
        with self._lock:
            self._value = None
