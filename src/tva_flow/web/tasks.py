"""The inbox ("Tehtävät"): my tasks and my groups' unclaimed tasks in my areas (a customer: their own),
soonest due first, with filters by process, customer and due window, paged; claim and release."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth import policy
from ..auth.actor import CASEWORKER
from ..engine.clock import HELSINKI
from ..errors import Forbidden, ServiceError
from .session import clock, safe_next, service, signed_in

bp = Blueprint("inbox", __name__)
PAGE_SIZE = 25
MAX_FILTER = 255
DUE_WINDOWS = (("", _l("Any time")), ("overdue", _l("Overdue")), ("today", _l("Due by today")),
               ("week", _l("Due within 7 days")), ("month", _l("Due within 30 days")))


def now_of(actor) -> datetime:
    """The service's time (a simulated clock's when it runs on one), as Finnish time."""
    return datetime.fromisoformat(clock(actor)["now"]).astimezone(HELSINKI)


# a window holds the tasks whose last day is before today + n days (views.last_day: a deadline at 00:00
# is the end of the day before, so "by 00:00 of that day" counts, hence the microsecond)
_LAST_DAY_BEFORE = {"overdue": 0, "today": 1, "week": 8, "month": 31}


def _due_before(window: str, now: datetime) -> datetime | None:
    if not window:
        return None
    midnight = datetime.combine(now.date() + timedelta(days=_LAST_DAY_BEFORE[window]), time(0), HELSINKI)
    return midnight + timedelta(microseconds=1)


def urgency(task: dict, today: date) -> str | None:
    """Overdue when the last day has passed, today when it is today (shown in words, not only in colour)."""
    if not task.get("due_date"):
        return None
    last = date.fromisoformat(task["due_date"])
    return "overdue" if last < today else "today" if last == today else None


def process_names(actor) -> dict[str, str]:
    """Process keys and their names, for those who may read the definitions (customers may not)."""
    try:
        items = service().list_definitions(actor, limit=200)["items"]
    except Forbidden:
        return {}
    return {item["process_key"]: item.get("name") or item["process_key"] for item in items}


def query_arg(name: str) -> str | None:
    """A query-string value of a page's filter or cursor, stripped; None when empty; 400 when too long."""
    value = request.args.get(name, "").strip()
    if len(value) > MAX_FILTER:
        abort(400)
    return value or None


@bp.get("/")
@signed_in
def index(actor):
    process, customer, window = query_arg("process"), query_arg("customer"), request.args.get("due", "")
    if window not in dict(DUE_WINDOWS):
        abort(400)
    cursor = query_arg("cursor")
    if not policy.permits(actor, "read_tasks"):  # e.g. a process owner: the menu has their pages
        return render_template("inbox.html", tasks=None, filters={}, due_windows=DUE_WINDOWS, processes={})
    now = now_of(actor)
    page = service().list_tasks(actor, process_key=process, business_key=customer, limit=PAGE_SIZE, cursor=cursor,
                                mine_or_unclaimed=True, due_before=_due_before(window, now))
    today = now.date()
    rows = [{**task, "urgency": urgency(task, today)} for task in page["items"]]
    filters = {"process": process or "", "customer": customer or "", "due": window}
    next_url = url_for("inbox.index", **{k: v for k, v in filters.items() if v}, cursor=page["next_cursor"]) \
        if page["next_cursor"] else None
    first_url = url_for("inbox.index", **{k: v for k, v in filters.items() if v}) if cursor else None
    return render_template("inbox.html", tasks=rows, filters=filters, due_windows=DUE_WINDOWS,
                           processes=process_names(actor), next_url=next_url, first_url=first_url,
                           may_claim=CASEWORKER in actor.roles,
                           back=request.full_path if request.query_string else request.path)


def _act(actor, task_id: str, action, done: str):
    back = safe_next(request.form.get("next"))
    try:
        task = action(actor, task_id)
    except ServiceError as exc:
        if exc.status in (404, 403):
            raise
        flash(_("The task could not be changed: %(reason)s", reason=exc.message), "error")
        return redirect(back)
    flash(done % {"task": task["name"]}, "success")
    return redirect(back)


@bp.post("/tasks/<task_id>/claim")
@signed_in
def claim(actor, task_id: str):
    return _act(actor, task_id, service().claim_task, _("You claimed the task “%(task)s”."))


@bp.post("/tasks/<task_id>/release")
@signed_in
def release(actor, task_id: str):
    return _act(actor, task_id, service().unclaim_task, _("You released the task “%(task)s” to the group."))
