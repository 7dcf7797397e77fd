"""The browser desk: server-rendered pages (Jinja2, Flask-Babel) over the same use cases as the API.

``install(app)`` adds it to the Flask app :func:`tva_flow.api.create_app` builds, at ``/``; the API stays
at ``/api/v1`` with its bearer tokens: it never reads the session cookie and is exempt from CSRF checks
(it is not reachable with a browser's ambient credentials). A page is a blueprint in its own module,
listed in :data:`BLUEPRINTS`; its views take the actor with :func:`.session.signed_in` and call the
service (``session.service()``), never SQL or SpiffWorkflow.
"""
from __future__ import annotations

import os
from datetime import timedelta

from flask import Blueprint, Flask, abort, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from ..text import storable
from . import (apply_page, case_pages, clock_page, definition_pages, errors, i18n, layout, oidc, signin, task_page,
               tasks)
from .secret import secret_key

# the page's blueprints; a new page adds one line
BLUEPRINTS: list[Blueprint] = [signin.bp, i18n.bp, tasks.bp, task_page.bp, case_pages.bp, apply_page.bp,
                               definition_pages.bp, clock_page.bp]

# templates and static files (CSS, JS, vendor/) of every page: /assets/<path>, url_for("web.static", ...)
assets = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")
csrf = CSRFProtect()


def install(app: Flask, environ=os.environ) -> None:
    service = app.extensions["tva_flow"]
    hours = float(environ.get("TVA_FLOW_SESSION_HOURS") or 8)
    behind_tls = environ.get("TVA_FLOW_BEHIND_TLS", "").strip().lower() in ("1", "true", "yes", "on")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(service.db, environ)
    app.config.update(
        SESSION_COOKIE_NAME="tva_flow_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config.get("SESSION_COOKIE_SECURE") or behind_tls,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=hours),
        SESSION_REFRESH_EACH_REQUEST=False,  # the lifetime counts from sign-in (also checked in session.py)
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below for the browser's paths only, never for /api/
        WTF_CSRF_TIME_LIMIT=None,      # the token lives as long as the session
    )
    if behind_tls:  # a TLS-terminating proxy in front: trust its X-Forwarded-Proto/-Host (one hop)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)
        app.config["PREFERRED_URL_SCHEME"] = "https"
    csrf.init_app(app)

    @app.before_request
    def _csrf_and_text():
        if request.path.startswith("/api/"):
            return
        csrf.protect()
        # a NUL or a lone surrogate in a path, query or form reaches no database (PostgreSQL refuses it): 400
        texts = [request.path, *(v for _, vs in request.args.lists() for v in vs),
                 *(v for _, vs in request.form.lists() for v in vs)]
        if not all(storable(text) for text in texts):
            abort(400)

    i18n.install(app)
    layout.install(app)
    errors.install(app)
    oidc.install(app, environ)
    signin.install(app)
    app.register_blueprint(assets)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


__all__ = ["BLUEPRINTS", "install"]
