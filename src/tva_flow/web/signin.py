"""Signing in and out of the browser desk: the embedded directory's user name and password (argon2), or
the OpenID Connect provider when one is configured (:mod:`.oidc`)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from . import oidc
from . import session as web_session
from .throttle import FailedSignIns

bp = Blueprint("signin", __name__)
MAX_FIELD = 1024  # longer names or passwords are not tried (hashing them would cost for nothing)


def install(app) -> None:
    app.extensions["tva_flow_failed_sign_ins"] = FailedSignIns()  # one per app (per worker), made once


def _throttle() -> FailedSignIns:
    return current_app.extensions["tva_flow_failed_sign_ins"]


def _page(status: int = 200, name: str = "", error: str | None = None):
    return render_template("signin.html", name=name, error=error, next=request.values.get("next", ""),
                           password_enabled=web_session.directory() is not None,
                           provider_enabled=oidc.enabled()), status


@bp.get("/sign-in")
def form():
    if web_session.current_actor() is not None:
        return redirect(web_session.safe_next(request.args.get("next")))
    return _page()


@bp.post("/sign-in")
def sign_in():
    users = web_session.directory()
    if users is None:
        return _page(400, error=_("Sign-in with a password is not in use here."))
    client = request.remote_addr or "unknown"
    name = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if _throttle().blocked(client):
        return _page(429, name=name, error=_("Too many failed sign-ins. Wait a few minutes and try again."))
    ok = (0 < len(name) <= MAX_FIELD and 0 < len(password) <= MAX_FIELD
          and users.verify_password(name, password))
    user = users.get(name) if ok else None
    if user is None:
        _throttle().failed(client)
        # one message for an unknown user, a wrong password and a user without a password
        return _page(401, name=name, error=_("The user name or password is wrong."))
    _throttle().succeeded(client)
    web_session.begin(name, web_session.EMBEDDED, user_since=user["created_at"])
    flash(_("You are signed in."), "success")
    return redirect(web_session.safe_next(request.form.get("next")))


@bp.get("/sign-in/provider")
def provider():
    if not oidc.enabled():
        return _page(404)
    session["after_sign_in"] = web_session.safe_next(request.args.get("next"))
    try:
        return oidc.redirect_to_provider(url_for("signin.provider_callback", _external=True))
    except oidc.SignInFailed:
        return _page(503, error=_("Signing in with the identity provider did not succeed. Try again."))


@bp.get("/sign-in/provider/callback")
def provider_callback():
    if not oidc.enabled():
        return _page(404)
    after = session.get("after_sign_in")
    try:
        who, claims = oidc.finish()
    except oidc.SignInFailed:
        return _page(401, error=_("Signing in with the identity provider did not succeed. Try again."))
    web_session.begin(who.subject, web_session.OIDC, claims=claims)
    flash(_("You are signed in."), "success")
    return redirect(web_session.safe_next(after))


@bp.post("/sign-out")
def sign_out():
    web_session.end()
    flash(_("You are signed out."), "success")
    return redirect(url_for("signin.form"))
