"""Scope: what FEEL is evaluated against (the caller's context and functions, the input value `?`)."""
from __future__ import annotations

import copy

from .values import from_python


class Scope:
    """Variables (the caller's context, plain Python values), functions, and the input value `?`."""

    def __init__(self, context: dict | None = None, functions: dict | None = None):
        self.context = context or {}
        self.functions = functions or {}
        self.input = None
        self.locals: dict = {}  # names bound by a filter (`item`, the item's entries), FEEL values
        self.missing: set[str] = set()
        self._cache: dict = {}

    def lookup(self, name: str):
        if name in self.locals:
            return self.locals[name]
        if name in self._cache:
            return self._cache[name]
        if name not in self.context:
            self.missing.add(name)
            return None
        value = self._cache[name] = from_python(self.context[name])
        return value

    def with_input(self, value) -> "Scope":
        child = copy.copy(self)  # shares context, caches and the missing-name record
        child.input = value
        return child

    def with_item(self, item) -> "Scope":
        """The scope of a filter's condition for one list item: `item`, and the item's entries if it is
        a context, shadow the outer names."""
        child = copy.copy(self)
        child.locals = {**self.locals, **(item if isinstance(item, dict) else {}), "item": item}
        return child

    def probe(self) -> "Scope":
        """A copy that records missing names apart (to try a filter as an index first)."""
        child = copy.copy(self)
        child.missing = set()
        return child
