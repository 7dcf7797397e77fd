"""Failed sign-ins slow an attacker down: at most ``limit`` failures per client address in ``window``
seconds, then every attempt from that address is refused (429) until old failures age out.

Kept in the worker's memory (each worker counts its own; a restart forgets) — enough to make guessing
passwords over the web slow, while argon2 makes each guess costly anyway. Counting by address, not by
user name, so nobody can lock a caseworker out by typing their name wrong on purpose.
"""
from __future__ import annotations

import threading
import time
from collections import deque


class FailedSignIns:
    def __init__(self, limit: int = 10, window: float = 600.0, max_clients: int = 10_000):
        self.limit, self.window, self.max_clients = limit, window, max_clients
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        with self._lock:
            return len(self._recent(client)) >= self.limit

    def failed(self, client: str) -> None:
        with self._lock:
            if len(self._failures) >= self.max_clients and client not in self._failures:
                self._forget_old()
            self._recent(client).append(time.monotonic())

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def _recent(self, client: str) -> deque:
        times = self._failures.setdefault(client, deque())
        while times and times[0] < time.monotonic() - self.window:
            times.popleft()
        return times

    def _forget_old(self) -> None:
        horizon = time.monotonic() - self.window
        for client in [c for c, t in self._failures.items() if not t or t[-1] < horizon]:
            del self._failures[client]
        if len(self._failures) >= self.max_clients:  # still full: drop the oldest half
            for client in sorted(self._failures, key=lambda c: self._failures[c][-1])[: self.max_clients // 2]:
                del self._failures[client]
