"""Text every store and every client can keep: valid Unicode (no lone surrogates) without NUL characters."""
from __future__ import annotations


def storable(text: str) -> bool:
    """Whether PostgreSQL, SQLite and a JSON client all keep ``text`` as it is."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
