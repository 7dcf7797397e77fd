"""Bearer tokens: the one place a request's ``Authorization`` header becomes an :class:`Actor`.

Two issuers are trusted, told apart by the token's ``iss``:

- the embedded user directory (``urn:tva-flow:embedded``, EdDSA, ``kid`` names a key in the database);
  the actor is the user as the directory has them *now*, so removing a user revokes their tokens
  (also when someone of the same name is added later: the token's ``user_since`` no longer matches).
  On by default, also when an OpenID Connect provider is configured; ``TVA_FLOW_EMBEDDED_AUTH=0``
  turns it off;
- one OpenID Connect provider, when ``TVA_FLOW_OIDC_ISSUER`` is set (see :meth:`OidcConfig.from_env`);
  the actor comes from the token's claims, unknown roles dropped (a token never grants ``system``).

Only asymmetric algorithms are accepted (never ``none`` or HS*), ``exp`` is required, and no error
message repeats the token.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import jwt

from ..errors import Unauthenticated
from .actor import Actor, actor
from .directory import EMBEDDED_ALGORITHM, EMBEDDED_AUDIENCE, EMBEDDED_ISSUER, Directory

__all__ = ["EMBEDDED_AUDIENCE", "EMBEDDED_ISSUER", "Authenticator", "OidcConfig", "actor_from_claims"]
log = logging.getLogger(__name__)

ASYMMETRIC = {"RS256": "RSA", "RS384": "RSA", "RS512": "RSA", "PS256": "RSA", "PS384": "RSA",
              "PS512": "RSA", "ES256": "EC", "ES384": "EC", "ES512": "EC", "EdDSA": "OKP"}  # alg → kty
MAX_TOKEN_CHARS = 16_384
LOOPBACK = {"localhost", "127.0.0.1", "::1"}

# PyJWT's errors, most specific first, and what the client is told
_REASONS = [
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet"),
    (jwt.InvalidAudienceError, "the token is meant for another audience"),
    (jwt.InvalidIssuerError, "the token's issuer is not trusted"),
    (jwt.InvalidAlgorithmError, "the token's signing algorithm is not allowed"),
    (jwt.InvalidSignatureError, "the token's signature does not verify"),
    (jwt.InvalidKeyError, "the token's key does not fit its algorithm"),
    (jwt.DecodeError, "the token is malformed"),
]


def _reason(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"the token has no {exc.claim!r} claim"
    return next((text for kind, text in _REASONS if isinstance(exc, kind)), "the token is not valid")


def _flag(environ, name: str, default: bool) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in ("", "1", "true", "yes", "on", "0", "false", "no", "off"):
        return value in ("1", "true", "yes", "on") if value else default
    raise ValueError(f"{name} must be 1 or 0, not {value!r}")


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    audience: str
    jwks_url: str | None = None
    jwks_file: str | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256", "PS256", "EdDSA")
    subject_claim: str = "sub"
    roles_claim: str = "roles"
    groups_claim: str = "groups"
    areas_claim: str = "areas"
    customer_claim: str = "hetu"  # the personal identity code or business id a customer acts for
    rights_claim: str = "rights"
    leeway_seconds: int = 30

    def __post_init__(self):
        if not self.issuer or not self.audience:
            raise ValueError("TVA_FLOW_OIDC_ISSUER and TVA_FLOW_OIDC_AUDIENCE are both required")
        if bool(self.jwks_url) == bool(self.jwks_file):
            raise ValueError("set exactly one of TVA_FLOW_OIDC_JWKS_URL (the provider's jwks_uri) and "
                             "TVA_FLOW_OIDC_JWKS_FILE (a JWKS JSON file)")
        if self.jwks_url:
            url = urlparse(self.jwks_url)
            if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
                raise ValueError("TVA_FLOW_OIDC_JWKS_URL must be https:// (plain http only on localhost)")
        if not self.algorithms or (bad := [a for a in self.algorithms if a not in ASYMMETRIC]):
            raise ValueError(f"TVA_FLOW_OIDC_ALGORITHMS: {', '.join(bad) if self.algorithms else 'empty'} "
                             f"not allowed; choose from {', '.join(ASYMMETRIC)}")
        if not 0 <= self.leeway_seconds <= 300:
            raise ValueError("TVA_FLOW_OIDC_LEEWAY_SECONDS must be between 0 and 300")

    @classmethod
    def from_env(cls, environ=os.environ) -> OidcConfig | None:
        """The provider from ``TVA_FLOW_OIDC_*``; None when neither issuer nor audience is set."""
        def get(name: str, default: str | None = None) -> str | None:
            return (environ.get(f"TVA_FLOW_OIDC_{name}") or "").strip() or default

        if not get("ISSUER") and not get("AUDIENCE"):
            return None
        try:
            leeway = int(get("LEEWAY_SECONDS", "30"))
        except ValueError:
            raise ValueError("TVA_FLOW_OIDC_LEEWAY_SECONDS must be a whole number of seconds") from None
        algorithms = tuple(a.strip() for a in get("ALGORITHMS", "RS256,ES256,PS256,EdDSA").split(",") if a.strip())
        return cls(issuer=get("ISSUER") or "", audience=get("AUDIENCE") or "", jwks_url=get("JWKS_URL"),
                   jwks_file=get("JWKS_FILE"), algorithms=algorithms, leeway_seconds=leeway,
                   subject_claim=get("SUBJECT_CLAIM", "sub"), roles_claim=get("ROLES_CLAIM", "roles"),
                   groups_claim=get("GROUPS_CLAIM", "groups"), areas_claim=get("AREAS_CLAIM", "areas"),
                   customer_claim=get("CUSTOMER_CLAIM", "hetu"), rights_claim=get("RIGHTS_CLAIM", "rights"))


def lookup(claims: dict, name: str):
    """A claim by ``name`` as it is, else by a dotted path into nested objects (``realm_access.roles``)."""
    value = claims.get(name)
    if value is None and "." in name:
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    return value


def claim(claims: dict, name: str) -> list[str]:
    """A claim as a list of strings: a string is a list of one; anything else counts as absent."""
    value = lookup(claims, name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


class _ProviderKeys:
    """The provider's public keys: a JWKS file read once, or a URL fetched and cached by PyJWKClient."""

    def __init__(self, config: OidcConfig):
        self.client = jwt.PyJWKClient(config.jwks_url, cache_jwk_set=True, lifespan=300, timeout=10) \
            if config.jwks_url else None
        self.keys: list = []
        if config.jwks_file:
            try:
                jwks = jwt.PyJWKSet.from_json(Path(config.jwks_file).read_text())
            except (OSError, ValueError, jwt.PyJWTError) as exc:
                raise ValueError(f"TVA_FLOW_OIDC_JWKS_FILE: cannot read a key set: {exc}") from None
            self.keys = [k for k in jwks.keys if k.public_key_use in ("sig", None)]

    def find(self, kid):
        if self.client is not None:
            try:
                return self.client.get_signing_key(kid) if kid else _only(self.client.get_signing_keys())
            except (jwt.PyJWKClientConnectionError, ValueError) as exc:  # unreachable, or not JSON
                log.warning("the identity provider's keys could not be fetched: %s", exc)
                raise Unauthenticated("the identity provider's keys could not be fetched; try again") from None
            except jwt.PyJWTError:
                return None
        return next((k for k in self.keys if k.key_id == kid), None) if kid else _only(self.keys)


def _only(keys):
    return keys[0] if len(keys) == 1 else None


class Authenticator:
    def __init__(self, directory: Directory | None = None, oidc: OidcConfig | None = None):
        if directory is None and oidc is None:
            raise ValueError("no way to sign in: turn on the embedded directory (TVA_FLOW_EMBEDDED_AUTH=1) "
                             "or configure an OpenID Connect provider (TVA_FLOW_OIDC_ISSUER, ...)")
        self.directory = directory
        self.oidc = oidc
        self._provider_keys = _ProviderKeys(oidc) if oidc else None

    @classmethod
    def from_env(cls, db, environ=os.environ) -> Authenticator:
        embedded = _flag(environ, "TVA_FLOW_EMBEDDED_AUTH", True)
        return cls(Directory(db) if embedded else None, OidcConfig.from_env(environ))

    def actor(self, authorization_header: str | None) -> Actor:
        token = self._bearer(authorization_header)
        try:  # read once, unverified, only to pick the issuer's keys; the signature is checked below
            unverified = jwt.decode_complete(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise Unauthenticated("the token is malformed") from None
        header, issuer = unverified["header"], unverified["payload"].get("iss")
        alg, kid = header.get("alg"), header.get("kid")
        if self.directory is not None and issuer == EMBEDDED_ISSUER:
            return self._embedded(token, alg, kid)
        if self.oidc is not None and issuer == self.oidc.issuer:
            return self._provider(token, alg, kid)
        raise Unauthenticated("the token's issuer is not trusted")

    @staticmethod
    def _bearer(header: str | None) -> str:
        if not header or not header.strip():
            raise Unauthenticated("sign in first: no 'Authorization: Bearer <token>' header")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise Unauthenticated("the Authorization header is not 'Bearer <token>'")
        if len(token) > MAX_TOKEN_CHARS:
            raise Unauthenticated("the token is malformed")
        return token

    def _embedded(self, token: str, alg, kid) -> Actor:
        if alg != EMBEDDED_ALGORITHM:
            raise Unauthenticated("the token's signing algorithm is not allowed")
        key = self.directory.public_key(kid) if isinstance(kid, str) else None
        if key is None:
            raise Unauthenticated("the token is signed by an unknown key")
        claims = self._decode(token, key, [EMBEDDED_ALGORITHM], EMBEDDED_AUDIENCE, EMBEDDED_ISSUER, 0)
        since = claims.get("user_since")
        found = self.directory.actor(subject_of(claims, "sub"), since if isinstance(since, str) else "")
        if found is None:
            raise Unauthenticated("the token's user is no longer in the directory")
        return found

    def _provider(self, token: str, alg, kid) -> Actor:
        config = self.oidc
        if alg not in config.algorithms:
            raise Unauthenticated("the token's signing algorithm is not allowed")
        jwk = self._provider_keys.find(kid if isinstance(kid, str) else None)
        if jwk is None:
            raise Unauthenticated("the token is signed by an unknown key")
        if jwk.key_type != ASYMMETRIC[alg]:  # e.g. an RSA key offered for an ES256 signature
            raise Unauthenticated("the token's key does not fit its algorithm")
        claims = self._decode(token, jwk.key, [alg], config.audience, config.issuer, config.leeway_seconds)
        return actor_from_claims(claims, config)

    @staticmethod
    def _decode(token, key, algorithms, audience, issuer, leeway) -> dict:
        try:
            return jwt.decode(token, key, algorithms=algorithms, audience=audience, issuer=issuer, leeway=leeway,
                              options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise Unauthenticated(_reason(exc)) from None



def subject_of(claims: dict, name: str) -> str:
    subject = lookup(claims, name)
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 255:
        raise Unauthenticated(f"the token has no subject ({name!r} claim)")
    return subject


def actor_from_claims(claims: dict, config: OidcConfig) -> Actor:
    """The actor a provider's verified claims name (an access token's, or the browser sign-in's ID token's):
    the subject, roles, groups, areas, customers and rights from the claims ``config`` names; unknown roles
    and rights are dropped."""
    return actor(subject_of(claims, config.subject_claim), roles=claim(claims, config.roles_claim),
                 groups=claim(claims, config.groups_claim), areas=claim(claims, config.areas_claim),
                 customers=claim(claims, config.customer_claim), rights=claim(claims, config.rights_claim))
