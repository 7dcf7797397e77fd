"""Who acts in the tests: actors for service-level tests, bearer tokens for HTTP ones.

Every test database has the same people: applicants and employers act for themselves, caseworkers work
in one employment-authority area (A is Helsinki's, B Vantaa's), the tester moves the clock.
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient

from tva_flow.auth.actor import actor, system
from tva_flow.auth.directory import Directory

AREA, OTHER_AREA = "helsinki", "vantaa"
SYSTEM = system("test")  # the engine or operator: for tests where who acts is not the point
CASEWORK_GROUPS = ("asiantuntija",)
_CUSTOMER_ID = re.compile(r"^(\d{6}[-+A-Y]\d{3}[0-9A-Z]|\d{7}-\d)$")  # henkilötunnus or y-tunnus


def customer(key: str):
    return actor(key, roles=["customer"], customers=[key])


def caseworker(name: str, area: str = AREA, groups=CASEWORK_GROUPS, rights=()):
    return actor(name, roles=["caseworker"], groups=groups, areas=[area], rights=rights)


def tester(name: str = "tessa.testaaja", area: str = AREA):
    return actor(name, roles=["tester"], areas=[area])


def person(name: str):
    """A customer for a personal identity code or business id, otherwise a caseworker of area A."""
    return customer(name) if _CUSTOMER_ID.match(name) else caseworker(name)


# -- over HTTP ---------------------------------------------------------------------------------------
STAFF_ROLES = ("caseworker", "process_owner", "tester", "integration")


class SignedIn(FlaskClient):
    """A test client acting as one user of the embedded directory. Each request carries a token minted
    at that moment (as a real client renews its token), so journeys may move the frozen clock by months."""

    def __init__(self, *args, user: str, directory: Directory, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.directory = user, directory

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Authorization", f"Bearer {self.directory.token(self.user, timedelta(minutes=5))}")
        return super().open(*args, headers=headers, **kwargs)


def sign_in(app_or_client, name: str, roles=None, groups=CASEWORK_GROUPS, areas=(AREA,), customers=(),
            rights=()) -> SignedIn:
    """A client signed in as ``name``, added to the directory on first use. Without ``roles``: a customer
    for a personal identity code or business id, otherwise a caseworker of area A."""
    app = getattr(app_or_client, "application", app_or_client)
    directory = Directory(app.extensions["tva_flow"].db)
    if directory.get(name) is None:
        if roles is None:
            who = person(name)
            roles, groups, areas, customers = sorted(who.roles), who.groups, who.areas, who.customers
        directory.add(name, list(roles), groups=list(groups), areas=list(areas), customers=list(customers),
                      rights=list(rights))
    return SignedIn(app, app.response_class, use_cookies=False, user=name, directory=directory)


def staff(app_or_client, name: str = "anna", areas=(AREA,)) -> SignedIn:
    """A client signed in as a member of staff of area A (unless ``areas`` says otherwise): caseworker in
    group asiantuntija, process owner, tester and integration — for tests where who acts is not the point."""
    return sign_in(app_or_client, name, roles=STAFF_ROLES, areas=areas)


def bearer(app_or_client, name: str = "anna", roles=STAFF_ROLES, ttl: timedelta = timedelta(hours=8),
           **who) -> dict[str, str]:
    """An ``Authorization`` header for ``name`` (added to the directory as :func:`sign_in` does; staff by
    default), for HTTP clients other than Flask's test client."""
    client = sign_in(app_or_client, name, roles=roles, **who)
    return {"Authorization": f"Bearer {client.directory.token(name, ttl)}"}
