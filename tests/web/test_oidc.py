"""Signing in through the municipality's OpenID Connect provider: the authorization-code flow with PKCE, state
and nonce; the ID token's claims name the person, her roles, groups and areas as an access token's would."""
from __future__ import annotations

import pytest
import requests

from tests.web.conftest import Browser, text_of
from tests.web.fake_provider import CLIENT_ID, CLIENT_SECRET, ISSUER, FakeProvider
from tva_flow.api import create_app
from tva_flow.auth.directory import Directory
from tva_flow.auth.tokens import Authenticator, OidcConfig

MAIJA = {"sub": "maija.meikalainen", "roles": ["caseworker", "superuser"], "groups": ["asiantuntija"],
         "areas": ["helsinki"]}


@pytest.fixture
def provider(monkeypatch) -> FakeProvider:
    fake = FakeProvider()
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send",
                        lambda adapter, prepared, **kwargs: fake.send(adapter, prepared, **kwargs))
    return fake


@pytest.fixture
def desk(service, provider, monkeypatch) -> Browser:
    monkeypatch.setenv("TVA_FLOW_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TVA_FLOW_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    oidc = OidcConfig(issuer=ISSUER, audience="tva-flow", jwks_url=f"{ISSUER}/protocol/openid-connect/certs")
    app = create_app(service, authenticator=Authenticator(Directory(service.db), oidc))
    app.test_client_class = Browser
    return app.test_client()


def sign_in_at_provider(desk: Browser, provider: FakeProvider, claims: dict, next_page: str = "/"):
    start = desk.get(f"/sign-in/provider?next={next_page}")
    assert start.status_code == 302
    return desk.get(provider.authorize(start.headers["Location"], claims))


def test_a_caseworker_signs_in_with_the_provider_and_works_in_the_areas_its_token_names(desk, provider, assessment):
    assert "Kirjaudu organisaatiosi tunnistuspalvelulla" in text_of(desk.get("/sign-in"))
    back = sign_in_at_provider(desk, provider, MAIJA)
    assert back.status_code == 302 and back.headers["Location"] == "/"
    inbox = text_of(desk.page("/"))
    assert "Kirjautuneena maija.meikalainen" in inbox and "Hakemuksen arviointi" in inbox
    assert desk.send(f"/tasks/{assessment['id']}/claim", {"next": "/"}).status_code == 302
    assert "Otit tehtävän" in text_of(desk.page("/"))


def test_a_caseworker_of_another_area_by_her_token_does_not_see_the_helsinki_case(desk, provider, assessment):
    sign_in_at_provider(desk, provider, {**MAIJA, "areas": ["vantaa"]})
    assert "Ei tehtäviä." in text_of(desk.page("/"))
    assert desk.get(f"/tasks/{assessment['id']}").status_code == 404


def test_an_answer_with_someone_elses_state_is_refused(desk, provider):
    start = desk.get("/sign-in/provider")
    callback = provider.authorize(start.headers["Location"], MAIJA)
    forged = callback.replace("state=", "state=x")
    refused = desk.get(forged)
    assert refused.status_code == 401
    assert "Kirjautuminen tunnistuspalvelulla ei onnistunut" in text_of(refused)
    assert desk.get("/").status_code == 302


def test_an_id_token_with_another_nonce_is_refused(desk, provider):
    provider.nonce_override = "replayed-nonce"
    assert sign_in_at_provider(desk, provider, MAIJA).status_code == 401
    assert desk.get("/").status_code == 302


def test_a_code_redeemed_without_the_pkce_verifier_is_refused_by_the_provider(desk, provider):
    start = desk.get("/sign-in/provider")
    callback = provider.authorize(start.headers["Location"], MAIJA)
    code = callback.split("code=")[1].split("&")[0]
    provider.codes[code]["challenge"] = "not-the-challenge-of-this-verifier"
    assert desk.get(callback).status_code == 401


def test_an_id_token_without_a_subject_signs_nobody_in(desk, provider):
    assert sign_in_at_provider(desk, provider, {"roles": ["caseworker"]}).status_code == 401


def test_signing_out_ends_the_providers_session_here_too(desk, provider):
    sign_in_at_provider(desk, provider, MAIJA)
    desk.page("/")
    desk.send("/sign-out")
    assert desk.get("/").status_code == 302


def test_an_unreachable_provider_is_a_page_not_a_traceback(desk, monkeypatch):
    def down(adapter, prepared, **kwargs):
        raise requests.ConnectionError("the provider is down")
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", down)
    response = desk.get("/sign-in/provider")
    assert response.status_code == 503
    assert "Kirjautuminen tunnistuspalvelulla ei onnistunut" in text_of(response)


def test_without_a_client_id_there_is_no_provider_sign_in(app, browser):
    assert "tunnistuspalvelulla" not in text_of(browser.get("/sign-in"))
    assert browser.get("/sign-in/provider").status_code == 404
