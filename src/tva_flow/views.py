"""The read side: what queries answer, built from the projections only (never from workflow state).

Each function takes an open session and returns plain dicts, times in Finnish time.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from .engine.clock import HELSINKI
from .store.models import (HistoryEvent, MessageSubscription, OutboxEntry, PendingTimer, ProcessDefinition,
                           ProcessInstance, UserTask)


def helsinki(value: datetime | None) -> str | None:
    return value.astimezone(HELSINKI).isoformat() if value else None


def last_day(due_at: datetime | None) -> str | None:
    """The last Finnish day a task may be done on: a deadline at 00:00 means "by the end of the day before"."""
    if due_at is None:
        return None
    local = due_at.astimezone(HELSINKI)
    return (local - timedelta(microseconds=1)).date().isoformat() if local.time() == time(0) else local.date().isoformat()


def _filtered(query, pairs):
    for column, value in pairs:
        if value:
            query = query.where(column == value)
    return query


# -- definitions -------------------------------------------------------------------------------------
def definition(d: ProcessDefinition, created: bool | None = None, versions=None) -> dict:
    result = {"process_key": d.process_key, "name": d.name, "version": d.version, "bpmn_file": d.bpmn_file,
              "files": d.files, "deployed_at": helsinki(d.deployed_at)}
    if created is not None:
        result["created"] = created
    if versions is not None:
        result["versions"] = versions
    return result


# -- instances ---------------------------------------------------------------------------------------
def instance_summary(i: ProcessInstance) -> dict:
    return {"id": i.id, "process_key": i.process_key, "version": i.version, "business_key": i.business_key,
            "status": i.status, "started_at": helsinki(i.started_at), "ended_at": helsinki(i.ended_at)}


def instances(s, process_key=None, business_key=None, status=None) -> list[dict]:
    query = _filtered(select(ProcessInstance).order_by(ProcessInstance.started_at, ProcessInstance.id),
                      ((ProcessInstance.process_key, process_key), (ProcessInstance.business_key, business_key),
                       (ProcessInstance.status, status)))
    return [instance_summary(i) for i in s.scalars(query)]


def instance(s, i: ProcessInstance) -> dict:
    result = instance_summary(i)
    result["variables"] = i.variables
    result["error"] = i.error
    result["open_tasks"] = open_tasks(s, instance_id=i.id)
    result["pending_timers"] = [
        {"element_id": t.element_id, "name": t.name, "due_at": helsinki(t.due_at)}
        for t in s.scalars(select(PendingTimer).where(PendingTimer.instance_id == i.id)
                           .order_by(PendingTimer.due_at, PendingTimer.id))]
    result["message_subscriptions"] = [
        {"element_id": m.element_id, "message_name": m.message_name}
        for m in s.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == i.id))]
    return result


def history(s, instance_id: str) -> list[dict]:
    rows = s.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == instance_id).order_by(HistoryEvent.id))
    return [{"id": r.id, "at": helsinki(r.at), "type": r.type, "element_id": r.element_id, "name": r.name,
             "user": r.user, "data": r.data} for r in rows]


# -- tasks -------------------------------------------------------------------------------------------
def task(t: UserTask) -> dict:
    return {"id": t.id, "element_id": t.element_id, "name": t.name, "candidate_group": t.candidate_group,
            "assignee": t.assignee, "due_at": helsinki(t.due_at), "due_date": last_day(t.due_at),
            "created_at": helsinki(t.created_at), "instance_id": t.instance_id, "process_key": t.process_key,
            "business_key": t.business_key}


def task_detail(t: UserTask, schema, ui_schema) -> dict:
    return {**task(t), "status": t.status, "data": t.data, "form": {"schema": schema, "ui_schema": ui_schema}}


def open_tasks(s, candidate_group=None, assignee=None, process_key=None, business_key=None,
               instance_id=None) -> list[dict]:
    query = _filtered(select(UserTask).where(UserTask.status == "open").order_by(UserTask.created_at, UserTask.id),
                      ((UserTask.candidate_group, candidate_group), (UserTask.assignee, assignee),
                       (UserTask.process_key, process_key), (UserTask.business_key, business_key),
                       (UserTask.instance_id, instance_id)))
    return [task(t) for t in s.scalars(query)]


# -- outbox and customers ----------------------------------------------------------------------------
def outbox(s, business_key=None, recipient=None, type=None, instance_id=None) -> list[dict]:
    query = _filtered(select(OutboxEntry).order_by(OutboxEntry.at, OutboxEntry.id),
                      ((OutboxEntry.business_key, business_key), (OutboxEntry.recipient, recipient),
                       (OutboxEntry.type, type), (OutboxEntry.instance_id, instance_id)))
    return [{"id": o.id, "at": helsinki(o.at), "date": o.at.astimezone(HELSINKI).date().isoformat(),
             "instance_id": o.instance_id, "process_key": o.process_key, "business_key": o.business_key,
             "type": o.type, "recipient": o.recipient, "element_id": o.element_id, "payload": o.payload}
            for o in s.scalars(query)]


def customer(s, business_key: str, candidate_group=None, process_key=None) -> dict | None:
    """A customer's cases, their open tasks (of one role if asked), what was sent and the payments made."""
    cases = instances(s, process_key=process_key, business_key=business_key)
    if not cases:
        return None
    ids = {c["id"] for c in cases}
    tasks = [t for t in open_tasks(s, business_key=business_key, candidate_group=candidate_group)
             if t["instance_id"] in ids]
    sent = [o for o in outbox(s, business_key=business_key) if o["instance_id"] in ids]
    return {"business_key": business_key, "instances": cases, "open_tasks": tasks, "outbox": sent,
            "payments": [o for o in sent if o["type"] == "payment"]}
