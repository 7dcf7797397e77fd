"""The HTTP API: a Flask application factory over :class:`tva_flow.service.TvaFlow`; the same app serves
the browser desk (:mod:`tva_flow.web`) at ``/``.

flask-smorest turns the marshmallow schemas in :mod:`.schemas` into request validation and the
OpenAPI 3 document (``GET /api/v1/openapi.json``) in one place.
"""
from __future__ import annotations

import os

from flask import Flask

from ..service import TvaFlow
from . import errors, identity, limits, people, routes


def create_app(service: TvaFlow, config: dict | None = None, authenticator=None) -> Flask:
    """The API over ``service``. Tokens are checked by ``authenticator`` (default: from the environment —
    the embedded user directory in the service's database, and an OpenID Connect provider if configured)."""
    app = Flask(__name__)
    app.config.update(
        API_TITLE="tva-flow",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS=identity.spec_options(),
    )
    app.config.update(config or {})
    limits.install(app, limits.Limits.from_config({**os.environ, **app.config}))
    app.json.sort_keys = False
    app.extensions["tva_flow"] = service
    if authenticator is None:
        from ..auth.tokens import Authenticator
        authenticator = Authenticator.from_env(service.db)
    identity.install(app, authenticator)
    api = errors.JsonErrorApi(app, spec_kwargs={"info": {
        "description": "Finland's public employment services (Act 380/2023) as executable BPMN: deploy "
                       "definitions, start instances, work user tasks, send messages, move simulated time."}})
    errors.register(app)
    for blueprint in (*routes.BLUEPRINTS, people.audit):
        api.register_blueprint(blueprint)
    from .. import web  # the browser desk at / (after the API: its error pages wrap the API's handlers)
    web.install(app)
    return app


__all__ = ["create_app"]
