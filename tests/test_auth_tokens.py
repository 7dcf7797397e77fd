"""Signing in: which bearer tokens become which actor, and every way a token is turned away (401).

The provider's keys are minted here (RSA, EC); its key set is served from a file and from a URL."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tva_flow.auth.directory import Directory
from tva_flow.auth.tokens import EMBEDDED_ISSUER, Authenticator, OidcConfig
from tva_flow.errors import Unauthenticated
from tva_flow.store.db import Database
from tva_flow.store.models import User

ISSUER = "https://tunnistus.example.fi/realms/tva"
AUDIENCE = "tva-flow-api"


@pytest.fixture(scope="module")
def keys():
    return {"rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "ec": ec.generate_private_key(ec.SECP256R1()),
            "stranger": rsa.generate_private_key(public_exponent=65537, key_size=2048)}


@pytest.fixture
def jwks(keys):
    rsa_jwk = RSAAlgorithm.to_jwk(keys["rsa"].public_key(), as_dict=True)
    ec_jwk = ECAlgorithm.to_jwk(keys["ec"].public_key(), as_dict=True)
    return {"keys": [{**rsa_jwk, "kid": "rsa-1", "use": "sig"}, {**ec_jwk, "kid": "ec-1", "use": "sig", "alg": "ES256"}]}


@pytest.fixture
def jwks_file(tmp_path, jwks):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks))
    return path


@pytest.fixture
def jwks_url(jwks):
    """The provider's key set over HTTP on a free local port; counts how often it is fetched."""
    fetched = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fetched.append(self.path)
            body = json.dumps(jwks).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/protocol/openid-connect/certs", fetched
    server.shutdown()
    server.server_close()


def mint(key, alg="RS256", kid="rsa-1", **overrides) -> str:
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "anna.virtanen", "iat": now, "exp": now + timedelta(minutes=5)}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid} if kid else None)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict, claims: dict) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


@pytest.fixture
def provider(jwks_file, frozen):
    return Authenticator(oidc=OidcConfig(issuer=ISSUER, audience=AUDIENCE, jwks_file=str(jwks_file)))


def refused(authenticator, header) -> str:
    with pytest.raises(Unauthenticated) as caught:
        authenticator.actor(header)
    assert caught.value.status == 401
    token = (header or "").partition(" ")[2]
    assert not token or token not in caught.value.message, "a refusal never repeats the token"
    return caught.value.message


# --- the provider's tokens ----------------------------------------------------------------------------

def test_a_caseworker_signed_in_at_the_provider_acts_with_the_roles_groups_and_areas_of_her_token(provider, keys):
    token = mint(keys["rsa"], roles=["caseworker", "system", "wizard"], groups="asiantuntija",
                 areas=["helsinki", "vantaa"], rights=["reassign", "everything"], hetu="010190-123A")
    anna = provider.actor(f"Bearer {token}")
    assert anna.subject == "anna.virtanen"
    assert anna.roles == {"caseworker"}, "unknown roles are dropped: a token never grants system"
    assert anna.groups == {"asiantuntija"} and anna.areas == {"helsinki", "vantaa"}
    assert anna.rights == {"reassign"} and anna.customers == {"010190-123A"}


def test_keycloak_realm_roles_reach_the_actor_through_a_dotted_claim_path_with_keys_fetched_from_a_url(
        keys, jwks_url, frozen):
    url, fetched = jwks_url
    config = OidcConfig.from_env({
        "TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE, "TVA_FLOW_OIDC_JWKS_URL": url,
        "TVA_FLOW_OIDC_ROLES_CLAIM": "realm_access.roles", "TVA_FLOW_OIDC_SUBJECT_CLAIM": "preferred_username",
        "TVA_FLOW_OIDC_AREAS_CLAIM": "tva.areas", "TVA_FLOW_OIDC_CUSTOMER_CLAIM": "ytunnus"})
    authenticator = Authenticator(oidc=config)
    token = mint(keys["ec"], alg="ES256", kid="ec-1", preferred_username="matti",
                 realm_access={"roles": ["offline_access", "customer", "tester"]},
                 tva={"areas": "tampere"}, groups=[1, "tyonantaja", {"x": 1}], ytunnus=["1234567-8"], rights=7)
    matti = authenticator.actor(f"Bearer {token}")
    assert (matti.subject, matti.roles) == ("matti", {"customer", "tester"})
    assert matti.areas == {"tampere"} and matti.groups == {"tyonantaja"}, "values other than strings are ignored"
    assert matti.customers == {"1234567-8"} and matti.rights == frozenset()
    authenticator.actor(f"bearer {mint(keys['rsa'], preferred_username='liisa')}")
    assert len(fetched) == 1, "the key set is fetched once and then cached"


def test_a_namespaced_claim_whose_name_has_dots_is_read_as_it_is(keys, jwks_file, frozen):
    config = OidcConfig(issuer=ISSUER, audience=AUDIENCE, jwks_file=str(jwks_file),
                        roles_claim="https://tva-flow.example.fi/roles")
    actor = Authenticator(oidc=config).actor("Bearer " + mint(keys["rsa"], **{
        "https://tva-flow.example.fi/roles": "auditor"}))
    assert actor.roles == {"auditor"}


def test_the_provider_clock_may_run_up_to_the_leeway_ahead(provider, keys, frozen):
    token = mint(keys["rsa"], exp=datetime.now(UTC) + timedelta(seconds=10))
    frozen.tick(timedelta(seconds=41))  # 31 s past its expiry
    assert "expired" in refused(provider, f"Bearer {token}")
    token = mint(keys["rsa"], exp=datetime.now(UTC) + timedelta(seconds=10))
    frozen.tick(timedelta(seconds=35))  # 25 s past its expiry, within the 30 s leeway
    assert provider.actor(f"Bearer {token}").subject == "anna.virtanen"


def now_plus(**delta) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


@pytest.mark.parametrize("make_header, reason", [
    (lambda k, pem: None, "no 'Authorization: Bearer <token>' header"),
    (lambda k, pem: "", "no 'Authorization: Bearer <token>' header"),
    (lambda k, pem: "Basic YW5uYTpzYWxhaW5lbg==", "not 'Bearer <token>'"),
    (lambda k, pem: "Bearer", "not 'Bearer <token>'"),
    (lambda k, pem: "Bearer two tokens", "not 'Bearer <token>'"),
    (lambda k, pem: "Bearer definitely-not-a-jwt", "malformed"),
    (lambda k, pem: "Bearer e30.bm90IGpzb24.e30", "malformed"),  # its claims are not JSON
    (lambda k, pem: "Bearer " + mint(k["rsa"], exp=now_plus(minutes=-5)), "the token has expired"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], nbf=now_plus(minutes=5)), "not valid yet"),
    (lambda k, pem: "Bearer " + mint(k["stranger"]), "signature does not verify"),
    (lambda k, pem: "Bearer " + mint(k["stranger"], kid="rsa-2"), "unknown key"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], kid=None), "unknown key"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], aud="another-service"), "another audience"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], iss="https://evil.example"), "issuer is not trusted"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], sub=None), "no subject"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], sub="  "), "no subject"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], exp=None), "no 'exp' claim"),
    (lambda k, pem: "Bearer " + mint(k["rsa"], alg="PS384"), "algorithm is not allowed"),
    (lambda k, pem: "Bearer " + mint(k["ec"], alg="ES256", kid="rsa-1"), "key does not fit"),
    (lambda k, pem: "Bearer " + unsigned({"alg": "none", "typ": "JWT", "kid": "rsa-1"}, {
        "iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "exp": 4102444800}) + ".", "algorithm is not allowed"),
    (lambda k, pem: "Bearer " + hs256_with_public_key(pem), "algorithm is not allowed"),
])
def test_a_token_that_is_missing_broken_foreign_or_stale_is_turned_away(provider, keys, make_header, reason):
    pem = keys["rsa"].public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert reason in refused(provider, make_header(keys, pem))


def hs256_with_public_key(pem: bytes) -> str:
    """The classic confusion: HMAC "signed" with the provider's public key as the shared secret."""
    signing_input = unsigned({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"},
                             {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "exp": 4102444800})
    return f"{signing_input}.{b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"


@pytest.mark.parametrize("environ, problem", [
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER}, "both required"),
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE}, "exactly one"),
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE, "TVA_FLOW_OIDC_JWKS_URL": "https://x/certs",
      "TVA_FLOW_OIDC_JWKS_FILE": "jwks.json"}, "exactly one"),
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE,
      "TVA_FLOW_OIDC_JWKS_URL": "http://keys.example.fi/certs"}, "must be https://"),
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE, "TVA_FLOW_OIDC_JWKS_URL": "https://x/certs",
      "TVA_FLOW_OIDC_ALGORITHMS": "RS256,HS256"}, "HS256 not allowed"),
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE, "TVA_FLOW_OIDC_JWKS_URL": "https://x/certs",
      "TVA_FLOW_OIDC_ALGORITHMS": "none"}, "none not allowed"),
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE, "TVA_FLOW_OIDC_JWKS_URL": "https://x/certs",
      "TVA_FLOW_OIDC_LEEWAY_SECONDS": "soon"}, "whole number"),
    ({"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE,
      "TVA_FLOW_OIDC_JWKS_FILE": "/no/such/jwks.json"}, "cannot read a key set"),
    ({"TVA_FLOW_EMBEDDED_AUTH": "0"}, "no way to sign in"),
    ({"TVA_FLOW_EMBEDDED_AUTH": "maybe"}, "must be 1 or 0"),
])
def test_a_misconfigured_provider_stops_the_start_with_a_clear_message(sqlite_url, environ, problem):
    with pytest.raises(ValueError, match=problem):
        Authenticator.from_env(Database(sqlite_url), environ)


# --- the embedded directory's tokens ------------------------------------------------------------------

@pytest.fixture
def directory(sqlite_url, frozen):
    directory = Directory(Database(sqlite_url))
    directory.add("anna", ["caseworker"], groups=["asiantuntija"], areas=["helsinki"])
    return directory


def test_a_token_for_anna_carries_her_groups_and_areas_as_the_directory_has_them_now(directory):
    authenticator = Authenticator(directory)
    token = directory.token("anna", timedelta(hours=8))
    anna = authenticator.actor(f"Bearer {token}")
    assert (anna.subject, anna.roles, anna.groups, anna.areas) == (
        "anna", {"caseworker"}, {"asiantuntija"}, {"helsinki"})
    with directory.db.unit_of_work() as session:  # she moves to Turku's multiprofessional team
        row = session.get(User, "anna")
        row.roles, row.groups, row.areas = ["caseworker", "auditor"], ["monialainen_tiimi"], ["turku"]
    anna = authenticator.actor(f"Bearer {token}")
    assert (anna.roles, anna.groups, anna.areas) == ({"caseworker", "auditor"}, {"monialainen_tiimi"}, {"turku"})


def test_removing_a_user_revokes_her_tokens_at_once_also_when_the_name_is_given_to_someone_else(directory, frozen):
    authenticator = Authenticator(directory)
    token = directory.token("anna", timedelta(hours=8))
    directory.remove("anna")
    assert "no longer in the directory" in refused(authenticator, f"Bearer {token}")
    frozen.tick(timedelta(hours=1))  # her token has 7 hours left when a new anna is added
    directory.add("anna", ["auditor"], areas=["*"])
    assert "no longer in the directory" in refused(authenticator, f"Bearer {token}")
    assert authenticator.actor(f"Bearer {directory.token('anna', timedelta(hours=1))}").roles == {"auditor"}


def test_a_token_signed_by_another_installation_is_turned_away(directory, tmp_path):
    elsewhere = Directory(Database(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"))
    elsewhere.add("anna", ["caseworker"], areas=["*"])
    assert "unknown key" in refused(Authenticator(directory), f"Bearer {elsewhere.token('anna', timedelta(hours=1))}")


def test_an_embedded_token_expires_to_the_second_and_cannot_be_altered(directory, frozen):
    authenticator = Authenticator(directory)
    token = directory.token("anna", timedelta(minutes=1))
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = f"{header}.{b64(json.dumps({**claims, 'sub': 'root'}).encode())}.{signature}"
    assert "signature does not verify" in refused(authenticator, f"Bearer {forged}")
    frozen.tick(timedelta(seconds=60))
    assert "the token has expired" in refused(authenticator, f"Bearer {token}")


def test_an_embedded_token_must_be_eddsa_with_a_known_key(directory, keys):
    kid = jwt.get_unverified_header(directory.token("anna", timedelta(hours=1)))["kid"]
    claims = {"iss": EMBEDDED_ISSUER, "aud": "tva-flow", "sub": "anna", "exp": now_plus(hours=1)}
    rs256 = jwt.encode(claims, keys["rsa"], algorithm="RS256", headers={"kid": kid})
    assert "algorithm is not allowed" in refused(Authenticator(directory), f"Bearer {rs256}")
    pem = directory._signing_key()[1].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    body = unsigned(header, {**claims, "exp": 4102444800})
    hs256 = f"{body}.{b64(hmac.new(pem, body.encode(), hashlib.sha256).digest())}"
    assert "algorithm is not allowed" in refused(Authenticator(directory), f"Bearer {hs256}")


def test_with_a_provider_configured_the_embedded_directory_still_signs_in_unless_turned_off(
        directory, keys, jwks_file):
    environ = {"TVA_FLOW_OIDC_ISSUER": ISSUER, "TVA_FLOW_OIDC_AUDIENCE": AUDIENCE,
               "TVA_FLOW_OIDC_JWKS_FILE": str(jwks_file)}
    both = Authenticator.from_env(directory.db, environ)
    embedded_token = directory.token("anna", timedelta(hours=1))
    assert both.actor(f"Bearer {embedded_token}").subject == "anna"
    assert both.actor(f"Bearer {mint(keys['rsa'])}").subject == "anna.virtanen"
    provider_only = Authenticator.from_env(directory.db, {**environ, "TVA_FLOW_EMBEDDED_AUTH": "0"})
    assert "issuer is not trusted" in refused(provider_only, f"Bearer {embedded_token}")
    assert provider_only.actor(f"Bearer {mint(keys['rsa'])}").subject == "anna.virtanen"
