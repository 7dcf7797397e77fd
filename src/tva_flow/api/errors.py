"""Every error leaves the API as JSON: ``{"error": code, "message": text, "fields": {...}?}``.

* A ``ServiceError`` keeps its own status and code (400, 404, 409, 413, 422 ``invalid`` or
  ``process_failed``).
* Request validation (webargs/marshmallow) answers 400 ``bad_request`` with each failing field;
  422 stays reserved for the service's ``Invalid`` (form data, refused definitions) and ``ProcessFailed``.
* Too large (413), not JSON (415), unknown routes and wrong methods become JSON bodies; an unexpected
  exception — a fault of the server, never of the request — is a 500 without internals.
"""
from __future__ import annotations

import json
import logging

from flask import jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from ..errors import ServiceError
from .schemas import ErrorSchema

log = logging.getLogger(__name__)

_LOCATIONS = {"json": "body", "querystring": "query", "query": "query", "files": "files", "form": "form"}


MAX_MESSAGE = 255  # what ErrorSchema documents


def error_body(status: int, code: str, message: str, fields: dict | None = None):
    if len(message) > MAX_MESSAGE:  # e.g. the names of many long unknown query keys
        message = message[:MAX_MESSAGE - 1] + "…"
    body = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def flatten_messages(messages) -> dict[str, str]:
    """webargs messages ``{"json": {"user": ["Missing data ..."]}}`` → ``{"user": "Missing data ..."}``."""
    result: dict[str, str] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
                walk(name, inner)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            result[prefix or "body"] = "; ".join(value)
        elif isinstance(value, (list, tuple)):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            result[prefix or "body"] = str(value)

    for location, errors in (messages or {}).items():
        if isinstance(errors, dict):
            for key, inner in errors.items():
                walk(_LOCATIONS.get(location, location) if key == "_schema" else str(key), inner)
        else:
            walk(_LOCATIONS.get(location, location), errors)
    return result


class JsonErrorApi(Api):
    """flask-smorest's ``Api`` with tva-flow's error body (served and documented)."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        data = getattr(error, "data", None) or {}
        if isinstance(error, InternalServerError):
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.exception("unhandled error", exc_info=original)
            return error_body(500, "internal_server_error", "the server failed to handle the request")
        if "messages" in data:
            if isinstance(getattr(error, "exc", None), (json.JSONDecodeError, UnicodeDecodeError)):
                return error_body(status, code, "the request body is not valid JSON", {"body": "invalid JSON"})
            fields = flatten_messages(data["messages"])
            return error_body(status, code, "the request has missing or invalid fields: " + ", ".join(fields),
                              fields)
        return error_body(status, code, data.get("message") or error.description or error.name)


def handle_service_error(error: ServiceError):
    if error.status >= 500:
        log.error("%s: %s", error.code, error.message)
    response = error_body(error.status, error.code, error.message, error.fields)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tva-flow"'
    return response


def register(app) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
