"""Signing in to the browser desk with the OpenID Connect provider: the authorization-code flow with PKCE
(S256), state and nonce, through Authlib's Flask client and the issuer's discovery document.

On when the API trusts a provider (``TVA_FLOW_OIDC_ISSUER`` …, see :class:`tva_flow.auth.tokens.OidcConfig`)
and ``TVA_FLOW_OIDC_CLIENT_ID`` names this service's client at it (``TVA_FLOW_OIDC_CLIENT_SECRET`` for a
confidential client; ``TVA_FLOW_OIDC_SCOPES``, default ``openid profile``; ``TVA_FLOW_OIDC_DISCOVERY_URL``,
default ``<issuer>/.well-known/openid-configuration``). The ID token — its signature (the provider's
``jwks_uri``), issuer, audience (the client id), expiry and nonce checked by Authlib — is mapped to an
actor by the same claims as an access token (:func:`tva_flow.auth.tokens.actor_from_claims`).
"""
from __future__ import annotations

import logging

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from ..auth.actor import Actor
from ..auth.tokens import OidcConfig, actor_from_claims
from ..errors import ServiceError
from .session import CLAIMS

log = logging.getLogger(__name__)
NAME = "provider"


def install(app: Flask, environ) -> None:
    authenticator = app.extensions.get("tva_flow_auth")
    config: OidcConfig | None = getattr(authenticator, "oidc", None)
    client_id = (environ.get("TVA_FLOW_OIDC_CLIENT_ID") or "").strip()
    if config is None or not client_id:
        return
    discovery = (environ.get("TVA_FLOW_OIDC_DISCOVERY_URL") or "").strip() \
        or config.issuer.rstrip("/") + "/.well-known/openid-configuration"
    oauth = OAuth(app)
    oauth.register(NAME, client_id=client_id,
                   client_secret=(environ.get("TVA_FLOW_OIDC_CLIENT_SECRET") or "").strip() or None,
                   server_metadata_url=discovery,
                   client_kwargs={"scope": (environ.get("TVA_FLOW_OIDC_SCOPES") or "openid profile").strip(),
                                  "code_challenge_method": "S256", "timeout": 10})
    app.extensions["tva_flow_oidc"] = (oauth, config)


def enabled() -> bool:
    return "tva_flow_oidc" in current_app.extensions


def client():
    oauth, _ = current_app.extensions["tva_flow_oidc"]
    return oauth.create_client(NAME)


class SignInFailed(Exception):
    """The provider's answer was refused (error, wrong state or nonce, bad ID token, unreachable)."""


def redirect_to_provider(redirect_uri: str):
    """The browser goes to the provider's sign-in (state, nonce and the PKCE verifier kept in the session)."""
    try:
        return client().authorize_redirect(redirect_uri)
    except Exception as exc:  # noqa: BLE001 - the discovery document could not be fetched or read
        log.warning("the OpenID Connect provider could not be reached: %s", exc)
        raise SignInFailed("the provider could not be reached") from None


def finish() -> tuple[Actor, dict]:
    """The actor of the provider's answer on the callback, and the mapped claims to keep in the session."""
    _, config = current_app.extensions["tva_flow_oidc"]
    try:
        token = client().authorize_access_token()
    except OAuthError as exc:
        raise SignInFailed(f"the provider's answer was refused: {exc.error}") from None
    except Exception as exc:  # noqa: BLE001 - network errors, a bad ID token (authlib.jose errors)
        log.warning("OpenID Connect sign-in failed: %s", exc)
        raise SignInFailed("the provider's answer could not be checked") from None
    claims = token.get("userinfo")
    if not claims:  # no ID token: nothing verified says who this is
        raise SignInFailed("the provider sent no ID token")
    try:
        who = actor_from_claims(dict(claims), config)
    except ServiceError as exc:
        raise SignInFailed(exc.message) from None
    return who, {key: value for key, value in who.as_dict().items() if key in CLAIMS}
