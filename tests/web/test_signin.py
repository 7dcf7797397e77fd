"""Signing in to the browser desk with the embedded directory's name and password, the session cookie,
CSRF protection, signing out — and the API, which never accepts the browser's cookie."""
from __future__ import annotations

from datetime import timedelta

from tests.identities import SYSTEM
from tests.web.conftest import ANNA, PASSWORD, Browser, text_of
from tva_flow.auth.directory import Directory


def test_a_caseworker_signs_in_with_her_password_and_lands_in_her_task_inbox(browser: Browser):
    response = browser.sign_in(ANNA)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on the developer's machine (TVA_FLOW_BEHIND_TLS=1 adds it)
    inbox = browser.page("/")
    assert f"Kirjautuneena {ANNA}" in text_of(inbox)
    assert "<h1>Tehtävät</h1>" in inbox.get_data(as_text=True)


def test_a_page_asked_for_before_signing_in_is_shown_after_it(browser: Browser):
    response = browser.get("/?due=overdue")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
    browser.get(response.headers["Location"])
    response = browser.send("/sign-in", {"username": ANNA, "password": PASSWORD, "next": "/?due=overdue"})
    assert response.headers["Location"] == "/?due=overdue"


def test_sign_in_never_sends_anyone_to_another_site(browser: Browser):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example"):
        browser.get("/sign-in")
        response = browser.send("/sign-in", {"username": ANNA, "password": PASSWORD, "next": target})
        assert response.headers["Location"] == "/", target
        browser.page("/")
        browser.send("/sign-out")


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(browser: Browser):
    wrong = browser.sign_in(ANNA, "not her password")
    unknown = browser.sign_in("nobody.here", "not her password")
    assert wrong.status_code == unknown.status_code == 401
    message = "Käyttäjätunnus tai salasana on väärin."
    assert message in text_of(wrong) and message in text_of(unknown)
    assert browser.get("/").status_code == 302  # still not signed in


def test_after_ten_failed_sign_ins_from_one_address_even_the_right_password_waits(browser: Browser):
    for _ in range(10):
        assert browser.sign_in(ANNA, "guess").status_code == 401
    refused = browser.sign_in(ANNA)
    assert refused.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in text_of(refused)


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(app, anna: Browser, assessment):
    response = anna.post(f"/tasks/{assessment['id']}/claim", data={})
    assert response.status_code == 400
    assert "Lomake oli vanhentunut tai tuli toiselta sivustolta" in text_of(response)
    assert app.extensions["tva_flow"].get_task(SYSTEM, assessment["id"])["assignee"] is None
    forged = anna.post(f"/tasks/{assessment['id']}/claim", data={"csrf_token": "forged"})
    assert forged.status_code == 400


def test_signing_in_needs_the_csrf_token_too(browser: Browser):
    browser.get("/sign-in")
    response = browser.post("/sign-in", data={"username": ANNA, "password": PASSWORD})
    assert response.status_code == 400


def test_signing_out_ends_the_session(anna: Browser):
    response = anna.send("/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Olet kirjautunut ulos." in text_of(anna.get("/sign-in"))
    assert anna.get("/").status_code == 302


def test_a_removed_user_is_signed_out_at_once(app, anna: Browser):
    assert anna.get("/").status_code == 200
    Directory(app.extensions["tva_flow"].db).remove(ANNA)
    assert anna.get("/").status_code == 302
    # someone of the same name added later is another person: the old session does not carry over
    Directory(app.extensions["tva_flow"].db).add(ANNA, ["caseworker"], groups=["asiantuntija"], areas=["helsinki"])
    assert anna.get("/").status_code == 302


def test_a_session_lasts_eight_hours_from_sign_in(anna: Browser, frozen):
    frozen.tick(timedelta(hours=7, minutes=59))
    assert anna.get("/").status_code == 200
    frozen.tick(timedelta(minutes=2))
    assert anna.get("/").status_code == 302


def test_the_api_does_not_accept_the_browser_session(anna: Browser):
    response = anna.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"] == "unauthenticated"


def test_the_api_needs_no_csrf_token_with_its_bearer_token(app):
    from tests.identities import bearer
    client = app.test_client()
    response = client.post("/api/v1/process-instances", json={"process_key": "startup_grant",
                                                              "business_key": "010190-123A", "area": "helsinki"},
                           headers=bearer(app, "tessa.api", roles=["tester"]))
    assert response.status_code == 201, response.json


def test_an_unknown_page_is_a_page_not_a_traceback(anna: Browser):
    response = anna.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Sivua ei löydy" in text_of(response)


def test_the_session_secret_is_made_once_and_kept_in_the_database(service):
    from tva_flow.api import create_app
    first, second = create_app(service), create_app(service)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_an_operator_can_give_the_session_secret(service, monkeypatch):
    from tva_flow.api import create_app
    monkeypatch.setenv("TVA_FLOW_SECRET_KEY", "k" * 40)
    assert create_app(service).config["SECRET_KEY"] == "k" * 40


def test_behind_a_tls_proxy_the_cookie_is_secure(service, monkeypatch):
    from tva_flow.api import create_app
    monkeypatch.setenv("TVA_FLOW_BEHIND_TLS", "1")
    app = create_app(service)
    app.test_client_class = Browser
    Directory(service.db).add("sam", ["caseworker"], groups=["asiantuntija"], areas=["helsinki"], password=PASSWORD)
    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https"}
    client.get("/sign-in", headers=headers)
    response = client.send("/sign-in", {"username": "sam", "password": PASSWORD}, headers={
        **headers, "Referer": "https://localhost/sign-in"})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
