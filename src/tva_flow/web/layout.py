"""What every page's layout (``base.html``) needs: the actor, the clock, the navigation, the languages,
and the date filters. The navigation lists a page only once its blueprint is registered and only to
the roles it is for; a later page adds its line to :data:`NAV`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_time, get_locale
from flask_babel import lazy_gettext as _l

from ..auth.actor import CASEWORKER, CUSTOMER, PROCESS_OWNER, TESTER
from . import i18n
from .session import clock as session_clock
from .session import current_actor


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: object            # a lazy gettext string
    roles: frozenset[str]
    simulated_only: bool = False


NAV = (
    Link("inbox.index", _l("Tasks"), frozenset({CASEWORKER, TESTER, CUSTOMER})),
    Link("case_pages.index", _l("Cases"), frozenset({CASEWORKER, TESTER, CUSTOMER})),
    Link("apply_page.index", _l("Apply"), frozenset({CUSTOMER})),
    Link("definition_pages.index", _l("Definitions"), frozenset({PROCESS_OWNER, TESTER})),
    Link("clock_page.index", _l("Clock"), frozenset({TESTER}), simulated_only=True),
)


def _nav(actor, clock) -> list[dict]:
    if actor is None:
        return []
    items = []
    for link in NAV:
        if link.endpoint not in current_app.view_functions or not (actor.roles & link.roles):
            continue
        if link.simulated_only and not (clock and clock.get("simulated")):
            continue
        items.append({"url": url_for(link.endpoint), "label": link.label,
                      "active": request.endpoint is not None
                      and request.endpoint.split(".")[0] == link.endpoint.split(".")[0]})
    return items


def _has_page(endpoint: str) -> bool:
    """Whether a page (a later blueprint's endpoint, e.g. ``case_pages.show``) is installed: link to it only then."""
    return endpoint in current_app.view_functions


def _parse(value):
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    return value


def format_day(value) -> str:
    """A date (or the date of a date-time, as Finnish time) in the user's language: 5.1.2026."""
    value = _parse(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "medium")


def format_moment(value) -> str:
    """A date-time in Finnish time: 5.1.2026 9.00."""
    value = _parse(value)
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return format_date(value, "medium")
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def install(app: Flask) -> None:
    app.add_template_filter(format_day, "date")
    app.add_template_filter(format_moment, "datetime")

    @app.context_processor
    def _layout():
        if request.path.startswith("/api/"):
            return {}
        actor = current_actor()
        clock = session_clock(actor)
        locale = get_locale()
        return {"actor": actor, "clock": clock, "nav": _nav(actor, clock), "languages": i18n.LANGUAGES,
                "current_language": locale.language if locale else i18n.DEFAULT, "has_page": _has_page}
