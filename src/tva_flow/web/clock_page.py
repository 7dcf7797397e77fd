"""The tester's clock (only with a simulated, movable clock): the simulated date and time, advancing it by
a duration or to a date with the timers that fired on the way, and starting an instance to try a process on.

Only testers (policy ``advance_clock``) reach it: anyone else gets 403. With a clock that follows real time
the page says so: 404 for a GET (the page does not exist there), 409 for a POST (like the API)."""
from __future__ import annotations

import re
from datetime import date, datetime, time

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import areas
from ..api.limits import loads as strict_json
from ..auth import policy
from ..engine.clock import HELSINKI
from ..errors import BadRequest, Forbidden, Invalid, NotFound, ProcessFailed, TooLarge
from ..text import customer_id
from ..text import day as read_day
from .session import service, signed_in
from .tasks import now_of

bp = Blueprint("clock_page", __name__)
# unit → (label, ISO 8601 duration of n units)
UNITS = {"hours": (_l("hours"), "PT{}H"), "days": (_l("days"), "P{}D"), "weeks": (_l("weeks"), "P{}W"),
         "months": (_l("months"), "P{}M")}
MAX_AMOUNT = 9999
DEFINITION_PAGES, DEFINITION_PAGE_SIZE = 3, 100  # at most 300 processes to choose from
STARTED = "clock_started"  # the instance just started, shown once on the page after the redirect
ADVANCE_FIELDS = ("amount", "unit", "date", "time")
START_FIELDS = ("process_key", "business_key", "area", "variables")


def _refusal(actor):
    """403 for anyone but a tester; the page saying the clock follows real time when it cannot move."""
    if not policy.permits(actor, "advance_clock"):
        abort(403)
    if not service().clock.movable:
        return render_template("clock.html", movable=False), 409 if request.method == "POST" else 404
    return None


def _processes(actor) -> dict[str, str]:
    """The deployed processes (key → name), paged through the service's cursor."""
    found, cursor = {}, None
    for page_number in range(DEFINITION_PAGES):
        page = service().list_definitions(actor, limit=DEFINITION_PAGE_SIZE, cursor=cursor)
        found.update({d["process_key"]: d.get("name") or d["process_key"] for d in page["items"]})
        cursor = page["next_cursor"]
        if not cursor:
            break
    return found


def _areas(actor) -> list[tuple[str, str]]:
    """The areas to start a case in: the actor's own; every area for one with every area (or none named)."""
    ids = areas.ids() if actor.every_area else sorted(a for a in actor.areas if areas.known(a)) or areas.ids()
    return [(area, areas.AREAS[area].name) for area in ids]


def _render(actor, status: int = 200, values=None, errors=None, result=None, problem=None, started=None):
    values = values or {}
    if not values.get("area") and actor.only_area:
        values = {**values, "area": actor.only_area}
    return render_template("clock.html", movable=True, values=values, errors=errors or {}, result=result,
                           problem=problem, started=started, units=UNITS, processes=_processes(actor),
                           areas=_areas(actor)), status


@bp.get("/clock")
@signed_in
def index(actor):
    return _refusal(actor) or _render(actor, started=session.pop(STARTED, None))


@bp.get("/clock/advance")
@bp.get("/clock/start")
def back_to_the_clock():
    """Where a page answering a POST sends a GET (its language switcher, a bookmark): the clock page."""
    return redirect(url_for("clock_page.index"))


# -- advancing ---------------------------------------------------------------------------------------
def _duration(amount: str, unit: str) -> tuple[str | None, dict]:
    """An ISO 8601 duration ("P1M") from the form's number and unit, or the errors by field."""
    errors = {}
    if not re.fullmatch(r"[0-9]{1,4}", amount.strip()) or not 1 <= int(amount) <= MAX_AMOUNT:
        errors["amount"] = _("Give a whole number from 1 to %(max)s.", max=MAX_AMOUNT)
    if unit not in UNITS:
        errors["unit"] = _("Choose hours, days, weeks or months.")
    return (None, errors) if errors else (UNITS[unit][1].format(int(amount)), {})


def _moment(day: str, at: str, now: datetime) -> tuple[datetime | None, dict]:
    """The Finnish time the form names (00:00 without a time), not before ``now``; or the errors by field."""
    try:
        when = read_day(day)
    except ValueError:
        return None, {"date": _("Give the date as day.month.year, e.g. 5.2.2026.")}
    at = at.strip()
    hours_minutes = re.fullmatch(r"(\d{1,2})[:.](\d{2})", at)
    if at and not (hours_minutes and int(hours_minutes[1]) < 24 and int(hours_minutes[2]) < 60):
        return None, {"time": _("Give the time as hours and minutes, e.g. 9:00.")}
    of_day = time(int(hours_minutes[1]), int(hours_minutes[2])) if hours_minutes else time(0)
    moment = datetime.combine(when, of_day, HELSINKI)
    if moment < now:
        return None, {"date": _("The date is before the simulated time now. The clock only moves forward.")}
    return moment, {}


@bp.post("/clock/advance")
@signed_in
def advance(actor):
    if (refused := _refusal(actor)) is not None:
        return refused
    values = {name: request.form.get(name, "") for name in ADVANCE_FIELDS}
    by = request.form.get("how") != "to"
    if by:
        duration, errors = _duration(values["amount"], values["unit"])
        target = {"duration": duration}
    else:
        moment, errors = _moment(values["date"], values["time"], now_of(actor))
        target = {"to": moment}
    if not errors:
        try:
            result = service().advance_clock(actor, **target)
        except BadRequest as exc:  # e.g. beyond the years 1900–2200
            errors = {"amount" if by else "date": _("The clock cannot be moved there: %(reason)s", reason=exc.message)}
        else:
            g.pop("clock", None)  # the header shows the moved clock
            return _render(actor, values=values, result=result)
    return _render(actor, 422, values=values, errors=errors)


# -- starting an instance ----------------------------------------------------------------------------
def _variables(text: str) -> tuple[dict | None, str | None]:
    """The JSON object of the form (empty: {}), or what is wrong with it."""
    if not text.strip():
        return {}, None
    try:
        value = strict_json(text)
    except BadRequest as exc:
        return None, _("The variables are not acceptable JSON: %(reason)s", reason=exc.message)
    if not isinstance(value, dict):
        return None, _('Give the variables as a JSON object, e.g. {"applies_for_benefit": true}.')
    return value, None


@bp.post("/clock/start")
@signed_in
def start(actor):
    if (refused := _refusal(actor)) is not None:
        return refused
    values = {name: request.form.get(name, "") for name in START_FIELDS}
    values["business_key"] = values["business_key"].strip().upper()
    errors, processes = {}, _processes(actor)
    if values["process_key"] not in processes:
        errors["process_key"] = _("Choose a deployed process.")
    if not customer_id(values["business_key"]):
        errors["business_key"] = _("Give a personal identity code (e.g. 010190-123A) or a business ID "
                                   "(e.g. 1234567-8).")
    variables, problem = _variables(values["variables"])
    if problem:
        errors["variables"] = problem
    if errors:
        return _render(actor, 422, values=values, errors=errors)
    try:
        instance = service().start_instance(actor, values["process_key"], values["business_key"], variables,
                                            area=values["area"] or None)
    except NotFound:
        return _render(actor, 422, values=values, errors={"process_key": _("Choose a deployed process.")})
    except (Invalid, Forbidden) as exc:
        if not exc.fields or not exc.fields.keys() & {"area", "municipality"}:
            raise
        field = "area" if "area" in exc.fields else "variables"
        return _render(actor, 422, values=values,
                       errors={field: _("The case cannot be started there: %(reason)s", reason=exc.message)})
    except (ProcessFailed, TooLarge) as exc:
        return _render(actor, 422, values=values, problem=exc.message)
    flash(_("You started “%(process)s” for %(customer)s.", process=processes.get(instance["process_key"]),
            customer=instance["business_key"]), "success")
    session[STARTED] = {"instance_id": instance["id"], "business_key": instance["business_key"]}
    return redirect(url_for("clock_page.index"))
