"""Languages: Finnish (the default), Swedish — the two national languages an authority serves in — and
English, through gettext catalogs (``web/translations``; msgids are English, extracted with ``babel.cfg``).

The language of a request: the one the user chose (an embedded user's choice is kept in the directory,
an OpenID Connect user's in the session), else the browser's ``Accept-Language`` among fi/sv/en, else fi.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, g, redirect, request, session
from flask_babel import Babel

from . import session as web_session

LANGUAGES = (("fi", "Suomeksi"), ("sv", "På svenska"), ("en", "In English"))
CODES = tuple(code for code, _ in LANGUAGES)
DEFAULT = "fi"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

bp = Blueprint("language", __name__)


def chosen_language() -> str:
    who = web_session.current_actor() if request else None
    if who is not None and session.get("how") == web_session.EMBEDDED:
        stored = g.get("user_language")  # read with the actor (web_session.current_actor)
        if stored in CODES:
            return stored
    if session.get("language") in CODES:
        return session["language"]
    return request.accept_languages.best_match(CODES) or DEFAULT


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=chosen_language, default_timezone="Europe/Helsinki")


@bp.post("/language")
def choose():
    """Switch the language; remembered in the directory for an embedded user, else in the session."""
    code = request.form.get("language")
    if code not in CODES:
        abort(400)
    session["language"] = code
    who = web_session.current_actor()
    if who is not None and session.get("how") == web_session.EMBEDDED:
        users = web_session.directory()
        if users is not None:
            users.set_language(who.subject, code)
    return redirect(web_session.safe_next(request.form.get("next"), "signin.form" if who is None else "inbox.index"))
