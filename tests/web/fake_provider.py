"""A tiny OpenID Connect provider for the tests: discovery, authorization (done by the test as the person
signing in), token endpoint with PKCE (S256) checked, and its key set. Reached through ``requests``, whose
HTTP adapter is pointed at this Flask app — nothing goes on the network."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from requests.structures import CaseInsensitiveDict

HOST = "idp.test"
ISSUER = f"https://{HOST}/realms/tva"
CLIENT_ID, CLIENT_SECRET = "tva-flow-desk", "desk-secret"


class FakeProvider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.nonce_override: str | None = None
        self.app = self._app()
        self.client = self.app.test_client()

    # -- what the person does in the provider's own pages ----------------------------------------------
    def authorize(self, location: str, claims: dict) -> str:
        """The person signs in at the provider, which sends the browser back: the callback path and query."""
        url = urlsplit(location)
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/protocol/openid-connect/auth"
        asked = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
        assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
        assert asked["state"] and asked["nonce"] and "openid" in asked["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"challenge": asked["code_challenge"], "nonce": asked["nonce"], "claims": claims,
                            "redirect_uri": asked["redirect_uri"]}
        back = urlsplit(asked["redirect_uri"])
        return f"{back.path}?{urlencode({'code': code, 'state': asked['state']})}"

    # -- the provider's endpoints ----------------------------------------------------------------------
    def _app(self) -> Flask:
        app = Flask("fake_provider")
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)

        @app.get("/realms/tva/.well-known/openid-configuration")
        def discovery():
            return jsonify({"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
                            "token_endpoint": f"{ISSUER}/protocol/openid-connect/token",
                            "jwks_uri": f"{ISSUER}/protocol/openid-connect/certs",
                            "response_types_supported": ["code"], "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"]})

        @app.get("/realms/tva/protocol/openid-connect/certs")
        def certs():
            return jsonify({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})

        @app.post("/realms/tva/protocol/openid-connect/token")
        def token():
            auth = request.authorization
            client = (auth.username, auth.password) if auth else (request.form.get("client_id"),
                                                                  request.form.get("client_secret"))
            if client != (CLIENT_ID, CLIENT_SECRET):
                return jsonify({"error": "invalid_client"}), 401
            grant = self.codes.pop(request.form.get("code", ""), None)
            verifier = request.form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant is None or challenge != grant["challenge"] or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify({"error": "invalid_grant"}), 400
            now = int(time.time())
            id_token = jwt.encode({"iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                                   "nonce": self.nonce_override or grant["nonce"], **grant["claims"]},
                                  self.key, algorithm="RS256", headers={"kid": "k1"})
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                            "id_token": id_token})

        return app

    # -- requests → this app ---------------------------------------------------------------------------
    def send(self, adapter, prepared, **kwargs):
        url = urlsplit(prepared.url)
        if url.netloc != HOST:
            raise requests.ConnectionError(f"no network in the tests ({url.netloc})")
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        answer = self.client.open(url.path + (f"?{url.query}" if url.query else ""), method=prepared.method,
                                  data=body, headers=dict(prepared.headers))
        response = requests.Response()
        response.status_code, response._content = answer.status_code, answer.data
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response.url, response.request, response.encoding = prepared.url, prepared, "utf-8"
        return response


def json_of(response) -> dict:
    return json.loads(response.get_data(as_text=True))
