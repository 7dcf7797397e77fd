"""The browser desk through Flask's test client: people with passwords in the embedded directory, a
start-up grant application waiting for the caseworkers of Helsinki, on Monday 5.1.2026 at 9:00."""
from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from tests.identities import AREA, OTHER_AREA, customer
from tests.journeys.test_startup_grant import APPLICANT, APPLICATION
from tva_flow.api import create_app
from tva_flow.auth.directory import Directory

PASSWORD = "a long passphrase for the tests"
ANNA, VILLE, TESSA = "anna.asiantuntija", "ville.vantaa", "tessa.testaaja"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser(FlaskClient):
    """A test client that keeps its cookies like a browser and finds the CSRF token on the last page."""

    csrf: str | None = None

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and (found := _CSRF.search(response.get_data(as_text=True))):
            self.csrf = unescape(found[1])
        return response

    def page(self, url: str, **kwargs):
        response = self.get(url, **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response

    def send(self, url: str, data: dict | None = None, **kwargs):
        """POST a form as the page would: with the CSRF token of the page last shown."""
        if self.csrf is None:
            self.get("/sign-in")
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def sign_in(self, name: str, password: str = PASSWORD, **kwargs):
        self.get("/sign-in")
        return self.send("/sign-in", {"username": name, "password": password}, **kwargs)


@pytest.fixture
def app(service):
    application = create_app(service)
    application.test_client_class = Browser
    users = Directory(service.db)
    users.add(ANNA, ["caseworker"], groups=["asiantuntija"], areas=[AREA], password=PASSWORD)
    users.add(VILLE, ["caseworker"], groups=["asiantuntija"], areas=[OTHER_AREA], password=PASSWORD)
    users.add(TESSA, ["tester"], areas=[AREA], password=PASSWORD)
    users.add(APPLICANT, ["customer"], password=PASSWORD)
    return application


@pytest.fixture
def browser(app) -> Browser:
    return app.test_client()


def signed_in(app, name: str) -> Browser:
    client = app.test_client()
    response = client.sign_in(name)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.page(response.headers["Location"])  # a new session: its pages carry a new CSRF token
    return client


@pytest.fixture
def anna(app) -> Browser:
    return signed_in(app, ANNA)


@pytest.fixture
def assessment(service) -> dict:
    """The applicant from Helsinki has applied for a start-up grant; its assessment waits for a caseworker."""
    applicant = customer(APPLICANT)
    service.start_instance(applicant, "startup_grant", APPLICANT, municipality="091")
    application = service.list_tasks(applicant)["items"][0]
    service.complete_task(applicant, application["id"], APPLICATION)
    tasks = service.list_tasks(applicant)["items"]
    assert not tasks, tasks
    from tests.identities import caseworker
    found = service.list_tasks(caseworker(ANNA), business_key=APPLICANT)["items"]
    assert [t["element_id"] for t in found] == ["assess_application"], found
    return found[0]


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed (for asserting what a person reads)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
