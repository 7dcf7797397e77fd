"""Secrets the server makes for itself, generated once and kept only in the database (``app_secrets``),
so every worker on the same database shares them and a restart keeps them."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from .db import Database
from .models import AppSecret


def stored_secret(db: Database, name: str, nbytes: int = 32) -> str:
    """The secret called ``name``; made (``nbytes`` random bytes, URL-safe text) on first use."""
    value = _read(db, name)
    if value is None:
        with db.lock(f"secret:{name}"):  # several processes at first use: one generates
            value = _read(db, name)
            if value is None:
                value = secrets.token_urlsafe(nbytes)
                with db.unit_of_work() as session:
                    session.add(AppSecret(name=name, value=value, created_at=datetime.now(UTC)))
    return value


def _read(db: Database, name: str) -> str | None:
    with db.read() as session:
        row = session.get(AppSecret, name)
        return row.value if row else None
