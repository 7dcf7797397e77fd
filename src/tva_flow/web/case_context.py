"""What a task page shows beside the form: the case (customer, process, area), its deadlines (open tasks'
due dates, pending timers) and the decisions made so far with the rules that matched and their
annotations (the legal sources) — read through the service, as the actor may."""
from __future__ import annotations

from ..errors import Forbidden, NotFound
from .session import service

HISTORY_PAGES = 4     # at most 4 × 500 decisions are read
DECISIONS_SHOWN = 12  # the newest


def context(actor, task: dict) -> dict:
    instance = _instance(actor, task["instance_id"])
    return {"instance": instance,
            "deadlines": _deadlines(instance, task) if instance else [],
            "decisions": _decisions(actor, task["instance_id"]) if instance else []}


def _instance(actor, instance_id: str) -> dict | None:
    try:
        return service().get_instance(actor, instance_id)
    except (Forbidden, NotFound):  # a task within reach whose case is not (e.g. a customer lane)
        return None


def _deadlines(instance: dict, task: dict) -> list[dict]:
    items = [{"what": t["name"], "due_at": t["due_at"], "due_date": t.get("due_date"), "kind": "task"}
             for t in instance.get("open_tasks", []) if t.get("due_at") and t["id"] != task["id"]]
    items += [{"what": t.get("name") or t["element_id"], "due_at": t["due_at"], "kind": "timer"}
              for t in instance.get("pending_timers", [])]
    return sorted(items, key=lambda d: d["due_at"] or "")


def _decisions(actor, instance_id: str) -> list[dict]:
    found, cursor = [], None
    for _ in range(HISTORY_PAGES):
        page = service().history(actor, instance_id, limit=500, cursor=cursor, type="decision_evaluated")
        found += [_decision(e) for e in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return list(reversed(found[-DECISIONS_SHOWN:]))


def _decision(event: dict) -> dict:
    data = event.get("data") or {}
    rules = [r for r in data.get("matched_rules") or [] if isinstance(r, dict)]
    outputs = data.get("outputs")
    return {"at": event["at"], "name": data.get("decision") or event.get("name") or data.get("decision_id"),
            "step": event.get("name"), "outputs": outputs if isinstance(outputs, dict) else {},
            "rules": [{"row": r.get("row"), "annotation": r.get("annotation")} for r in rules]}
