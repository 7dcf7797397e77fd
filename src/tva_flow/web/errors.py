"""Errors in the browser are pages, never tracebacks: an unknown or unreachable record is a 404 page, a
wrong state 409, a malformed request 400, a refused CSRF token 400 with a way back; the API under
``/api/`` keeps its JSON errors. The service's :class:`~tva_flow.errors.ServiceError` keeps its status."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import ServiceError

log = logging.getLogger(__name__)


def _title(status: int) -> str:
    return {
        400: _("The request could not be handled"),
        401: _("Please sign in"),
        403: _("You may not do this"),
        404: _("Page not found"),
        405: _("The request could not be handled"),
        409: _("The task or case has changed"),
        413: _("The request is too large"),
        415: _("The request could not be handled"),
        422: _("The data was not accepted"),
        429: _("Too many attempts"),
    }.get(status, _("Something went wrong"))


def _explain(status: int) -> str:
    return {
        404: _("The page or record does not exist, or it is not within your reach."),
        409: _("Someone else may have changed it. Go back, reload the page and try again."),
        429: _("Wait a while and try again."),
        500: _("The service failed to handle the request. Try again later."),
    }.get(status, "")


def page(status: int, detail: str | None = None):
    try:
        return render_template("error.html", status=status, title=_title(status),
                               explanation=_explain(status), detail=detail), status
    except Exception:  # noqa: BLE001 - the layout itself failed: still answer with a page, never a traceback
        log.exception("the error page could not be rendered")
        return f"<!doctype html><html lang=fi><title>{status}</title><h1>{status}</h1></html>", status


def _browser() -> bool:
    return not request.path.startswith("/api/")


def install(app: Flask) -> None:
    """Wrap the app's handlers so that errors outside /api/ answer as pages; /api/ keeps its own."""
    previous_service = app.error_handler_spec[None][None].get(ServiceError)

    def service_error(error: ServiceError):
        if _browser():
            return page(error.status if error.status < 500 else 500,
                        error.message if error.status in (409, 422) else None)
        return previous_service(error)

    app.register_error_handler(ServiceError, service_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if _browser():
            return page(400, _("The form had expired or came from another site. Reload the page and try again."))
        return error

    # flask-smorest's Api registers its handler for HTTPException on the app; keep it for /api/
    previous_http = app.error_handler_spec[None][None].get(HTTPException)

    def http_error(error: HTTPException):  # an unexpected exception arrives as InternalServerError
        if _browser():
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.exception("unhandled error", exc_info=original)
            return page(error.code or 500)
        return previous_http(error) if previous_http else error

    app.register_error_handler(HTTPException, http_error)
