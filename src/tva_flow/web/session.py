"""Who is signed in to the browser desk: the Flask session cookie → an :class:`~tva_flow.auth.actor.Actor`.

The session (a cookie signed with the app's secret key, HttpOnly, SameSite=Lax, Secure behind TLS) holds
only who signed in, how and when. For an embedded user the Actor is rebuilt from the user directory on
every request, so a removed user is signed out at once (also when someone of the same name is added
later: ``user_since``). For a user of an OpenID Connect provider it is rebuilt from the ID token's claims
kept in the session, mapped as :mod:`tva_flow.auth.tokens` maps an access token's. A session lives at most
``TVA_FLOW_SESSION_HOURS`` (8) hours from sign-in, however busy.

Views take the actor with ``@signed_in``::

    @bp.get("/tasks")
    @signed_in
    def inbox(actor): ...
"""
from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from ..auth.actor import Actor, actor as make_actor
from ..auth.directory import Directory
from ..errors import ServiceError

EMBEDDED, OIDC = "password", "oidc"
CLAIMS = ("roles", "groups", "areas", "customers", "rights")  # what an OIDC session keeps of the ID token


def service():
    """The use cases (:class:`tva_flow.service.TvaFlow`) this app serves."""
    return current_app.extensions["tva_flow"]


def directory() -> Directory | None:
    authenticator = current_app.extensions.get("tva_flow_auth")
    return getattr(authenticator, "directory", None)


def begin(who: str, how: str, user_since: str | None = None, claims: dict | None = None) -> None:
    """Start a fresh session for ``who`` (a new cookie, so nothing from before sign-in carries over
    except the chosen language)."""
    language = session.get("language")
    session.clear()
    session.permanent = True
    session.update({"who": who, "how": how, "at": datetime.now(UTC).isoformat()})
    if user_since:
        session["user_since"] = user_since
    if claims:
        session["claims"] = claims
    if language:
        session["language"] = language
    g.pop("actor", None)


def end() -> None:
    session.clear()
    g.pop("actor", None)


def current_actor() -> Actor | None:
    """The signed-in actor of this request, or None (no session, expired, or the user is gone). For a
    password user, the language they chose is read with it (``g.user_language``)."""
    if "actor" not in g:
        g.actor = _rebuild()
    return g.actor


def _rebuild() -> Actor | None:
    who, how, at = session.get("who"), session.get("how"), session.get("at")
    if not isinstance(who, str) or not isinstance(at, str):
        return None
    try:
        started = datetime.fromisoformat(at)
    except ValueError:
        return None
    if datetime.now(UTC) - started > current_app.permanent_session_lifetime or started > datetime.now(UTC) + timedelta(minutes=5):
        session.clear()
        return None
    if how == EMBEDDED:
        users = directory()
        found, g.user_language = (users.actor_and_language(who, session.get("user_since")) if users is not None
                                  else (None, None))
        if found is None:
            session.clear()
        return found
    if how == OIDC and isinstance(session.get("claims"), dict):
        return make_actor(who, **{key: session["claims"].get(key, ()) for key in CLAIMS})
    return None


def clock(actor: Actor | None) -> dict | None:
    """The service's clock ({"now", "simulated", …}) as this request's actor sees it: read once per request;
    None when nobody is signed in or the actor may not read it."""
    if "clock" not in g:
        try:
            g.clock = service().clock_status(actor) if actor is not None else None
        except ServiceError:
            g.clock = None
    return g.clock


def signed_in(view):
    """The view runs only for a signed-in user and gets the :class:`Actor` as ``actor``; anyone else is
    sent to the sign-in page and brought back afterwards."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        who = current_actor()
        if who is None:
            return redirect(url_for("signin.form", next=request.full_path if request.query_string else request.path))
        return view(*args, actor=who, **kwargs)
    return wrapper


def safe_next(target: str | None, default_endpoint: str = "inbox.index") -> str:
    """A place on this site to go back to: a local path only (never another host, never ``//host``)."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and all(c.isprintable() and not c.isspace() for c in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)
