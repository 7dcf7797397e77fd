"""The key that signs the browser session cookie (and, through it, the CSRF tokens).

``TVA_FLOW_SECRET_KEY`` when set (at least 32 characters: e.g. from a secret store); otherwise one
generated on first start and kept in the database (``app_secrets``), as the token signing key is — so
every worker on the same database shares it, restarts keep sessions, and it is never in the repository.
"""
from __future__ import annotations

from ..store.secrets import stored_secret

MIN_LENGTH = 32


def secret_key(db, environ) -> str:
    given = (environ.get("TVA_FLOW_SECRET_KEY") or "").strip()
    if given:
        if len(given) < MIN_LENGTH:
            raise ValueError(f"TVA_FLOW_SECRET_KEY must be at least {MIN_LENGTH} characters")
        return given
    return stored_secret(db, "session_key")
