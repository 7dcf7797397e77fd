"""Cases ("Asiat"): the cases within the actor's reach, one customer's cases together, and the case page —
the diagram with where the case stands and the path it took, the timeline of what happened (decisions
with the rules that matched and their legal sources), the deadlines ahead, what was sent and the data."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import lazy_gettext as _l

from ..auth import policy
from ..auth.actor import CUSTOMER
from ..errors import NotFound
from .session import service, signed_in
from .tasks import now_of, process_names, query_arg, urgency

bp = Blueprint("case_pages", __name__)
PAGE_SIZE = 25
TIMELINE_PAGE = 100
OUTBOX_SHOWN = 50
STATUSES = ("running", "completed", "failed", "cancelled")
STATUS_LABELS = {"running": _l("Running"), "completed": _l("Completed"), "failed": _l("Failed"),
                 "cancelled": _l("Cancelled")}
EVENT_LABELS = {
    "started": _l("Started"), "task_created": _l("Task opened"), "task_completed": _l("Task done"),
    "task_cancelled": _l("Task withdrawn"), "task_claimed": _l("Task claimed"), "task_unclaimed": _l("Task released"),
    "task_reassigned": _l("Task reassigned"), "timer_fired": _l("Timer fired"), "message_sent": _l("Sent"),
    "message_received": _l("Message received"), "decision_evaluated": _l("Decision"), "step_completed": _l("Step"),
    "end_event": _l("End"), "ended": _l("Case ended"), "cancelled": _l("Case cancelled"), "failed": _l("Failed"),
    "step_failed": _l("Step refused"), "message_not_dispatched": _l("Message not delivered"),
}


@bp.context_processor
def _labels():
    return {"status_label": lambda status: STATUS_LABELS.get(status, status),
            "event_label": lambda kind: EVENT_LABELS.get(kind, kind)}


@bp.get("/cases")
@signed_in
def index(actor):
    customer, status, cursor = query_arg("customer"), query_arg("status"), query_arg("cursor")
    if status is not None and status not in STATUSES:
        abort(400)
    names = process_names(actor)
    if customer:
        try:
            overview = service().customer_overview(actor, customer)
        except NotFound:
            overview = None
        today = now_of(actor).date()
        if overview:
            overview["open_tasks"] = [{**t, "urgency": urgency(t, today)} for t in overview["open_tasks"]]
            names = {**{i["process_key"]: i["process_name"] for i in overview["instances"]}, **names}
        return render_template("cases.html", overview=overview, customer=customer, cases=None, status=status,
                               statuses=STATUSES, processes=names)
    page = service().list_instances(actor, status=status, limit=PAGE_SIZE, cursor=cursor)
    next_url = url_for("case_pages.index", status=status, cursor=page["next_cursor"]) if page["next_cursor"] else None
    first_url = url_for("case_pages.index", status=status) if cursor else None
    return render_template("cases.html", overview=None, customer="", cases=page["items"], status=status,
                           statuses=STATUSES, processes=names, next_url=next_url, first_url=first_url)


@bp.get("/cases/<instance_id>")
@signed_in
def show(actor, instance_id: str):
    cursor = query_arg("cursor")
    instance = service().get_instance(actor, instance_id)
    diagrams = service().case_diagrams(actor, instance_id)
    timeline = service().history(actor, instance_id, limit=TIMELINE_PAGE, cursor=cursor)
    outbox = service().list_outbox(actor, instance_id=instance_id, limit=OUTBOX_SHOWN)
    today = now_of(actor).date()
    tasks = [{**t, "urgency": urgency(t, today), "may_open": _may_open(actor, t)} for t in instance["open_tasks"]]
    return render_template(
        "case.html", instance=instance, diagrams=diagrams["files"], tasks=tasks,
        timeline=[_event(e) for e in timeline["items"]], outbox=outbox["items"],
        more_outbox=bool(outbox["next_cursor"]),
        next_url=url_for("case_pages.show", instance_id=instance_id, cursor=timeline["next_cursor"], _anchor="timeline")
        if timeline["next_cursor"] else None,
        first_url=url_for("case_pages.show", instance_id=instance_id, _anchor="timeline") if cursor else None,
        show_data=CUSTOMER not in actor.roles or len(actor.roles) > 1)


@bp.get("/cases/<instance_id>/diagrams/<filename>")
@signed_in
def diagram(actor, instance_id: str, filename: str):
    content = service().case_diagram_file(actor, instance_id, filename)
    response = Response(content, mimetype="application/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _may_open(actor, task: dict) -> bool:
    """Whether the actor may open the task's page (a customer only their own lane's; staff their groups')."""
    return policy.acting_role(actor, "read_tasks", task.get("area"), task.get("business_key"),
                              task.get("candidate_group"), tasks=True) is not None


def _event(event: dict) -> dict:
    """A history event as the timeline shows it; a decision with its outputs and the rules that matched."""
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    shown = {**event, "data": data, "rules": [], "outputs": {}}
    if event["type"] == "decision_evaluated":
        shown["rules"] = [{"row": r.get("row"), "annotation": r.get("annotation")}
                          for r in data.get("matched_rules") or [] if isinstance(r, dict)]
        outputs = data.get("outputs")
        shown["outputs"] = outputs if isinstance(outputs, dict) else {}
    return shown
