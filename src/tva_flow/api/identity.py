"""Every request under /api/v1 carries a verified identity; the one check happens here, before any route.

Only the OpenAPI document and the health check answer without a token. What the token is checked against
(the embedded user directory, an OpenID Connect provider) is :class:`tva_flow.auth.tokens.Authenticator`.
"""
from __future__ import annotations

from flask import Flask, g, request

PUBLIC = frozenset({"/api/v1/openapi.json", "/api/v1/healthz"})  # and everything outside /api/
BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                         "description": "A JWT from the embedded user directory (`tva-flow token NAME`) or "
                                        "from the configured OpenID Connect provider"}}


def install(app: Flask, authenticator) -> None:
    app.extensions["tva_flow_auth"] = authenticator

    @app.before_request
    def authenticate():
        if request.path.startswith("/api/") and request.path not in PUBLIC:
            g.actor = authenticator.actor(request.headers.get("Authorization"))


def spec_options() -> dict:
    """Every operation needs the bearer token unless it says otherwise (the health check does)."""
    return {"components": {"securitySchemes": BEARER}, "security": [{"bearerAuth": []}]}
