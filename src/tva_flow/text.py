"""Text every store and every client can keep: valid Unicode (no lone surrogates) without NUL characters; and
what a customer's identifier looks like."""
from __future__ import annotations

import re

# a henkilötunnus (personal identity code, century signs of 2023 included) or a Y-tunnus (business ID)
_CUSTOMER_ID = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]|\d{7}-\d")


def storable(text: str) -> bool:
    """Whether PostgreSQL, SQLite and a JSON client all keep ``text`` as it is."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def customer_id(text) -> bool:
    """Whether ``text`` has the form of a henkilötunnus or a Y-tunnus (the form only; no checksum)."""
    return isinstance(text, str) and _CUSTOMER_ID.fullmatch(text) is not None


def day(text: str):
    """A date typed as Finnish text writes it (5.2.2026) or as ISO (2026-02-05); ValueError otherwise."""
    from datetime import date
    finnish = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text.strip())
    return date(int(finnish[3]), int(finnish[2]), int(finnish[1])) if finnish else date.fromisoformat(text.strip())
