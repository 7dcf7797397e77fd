"""The read side: what queries answer, built from the projections only (never from workflow state).

Each function takes an open session and returns plain dicts, times in Finnish time. Lists are pages:
``{"items": [...], "next_cursor": ...}`` (see :mod:`.store.paging`).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import or_, select

from .auth.policy import Reach
from .engine.clock import HELSINKI
from .store.models import (AuditRow, HistoryEvent, MessageSubscription, OutboxEntry, PendingTimer, ProcessDefinition,
                           ProcessInstance, UserTask)
from .store.paging import DEFAULT_LIMIT, conditions, keyset
from .store.reach import condition


def helsinki(value: datetime | None) -> str | None:
    return value.astimezone(HELSINKI).isoformat() if value else None


def last_day(due_at: datetime | None) -> str | None:
    """The last Finnish day a task may be done on: a deadline at 00:00 means "by the end of the day before"."""
    if due_at is None:
        return None
    local = due_at.astimezone(HELSINKI)
    return (local - timedelta(microseconds=1)).date().isoformat() if local.time() == time(0) else local.date().isoformat()


def _page(page, render) -> dict:
    return {"items": [render(row) for row in page.rows], "next_cursor": page.next_cursor}


# -- definitions -------------------------------------------------------------------------------------
def definition(d: ProcessDefinition, created: bool | None = None, versions=None) -> dict:
    result = {"process_key": d.process_key, "name": d.name, "version": d.version, "bpmn_file": d.bpmn_file,
              "files": d.files, "deployed_at": helsinki(d.deployed_at), "deployed_by": d.deployed_by}
    if created is not None:
        result["created"] = created
    if versions is not None:
        result["versions"] = versions
    return result


# -- instances ---------------------------------------------------------------------------------------
def instance_summary(i: ProcessInstance, process_name: str | None = None) -> dict:
    return {"id": i.id, "process_key": i.process_key, "process_name": process_name or i.process_key,
            "version": i.version, "business_key": i.business_key, "area": i.area, "status": i.status,
            "started_at": helsinki(i.started_at), "ended_at": helsinki(i.ended_at)}


def _process_names(s, rows) -> dict[int, str]:
    ids = {row.definition_id for row in rows}
    if not ids:
        return {}
    return dict(s.execute(select(ProcessDefinition.id, ProcessDefinition.name).where(ProcessDefinition.id.in_(ids))).all())


def instances(s, reach: Reach, process_key=None, business_key=None, status=None, limit=DEFAULT_LIMIT,
              cursor=None) -> dict:
    """Oldest first, only those within ``reach``."""
    query = select(ProcessInstance).where(condition(reach, ProcessInstance.area, ProcessInstance.business_key),
                                          *conditions(((ProcessInstance.process_key, process_key),
                                                       (ProcessInstance.business_key, business_key),
                                                       (ProcessInstance.status, status))))
    page = keyset(s, query, [ProcessInstance.started_at, ProcessInstance.id], limit, cursor)
    names = _process_names(s, page.rows)
    return _page(page, lambda row: instance_summary(row, names.get(row.definition_id)))


def instance(s, i: ProcessInstance) -> dict:
    result = instance_summary(i, _process_names(s, [i]).get(i.definition_id))
    result["variables"] = i.variables
    result["error"] = i.error
    result["open_tasks"] = [task(t) for t in s.scalars(
        select(UserTask).where(UserTask.instance_id == i.id, UserTask.status == "open")
        .order_by(UserTask.created_at, UserTask.id))]
    result["pending_timers"] = [
        {"element_id": t.element_id, "name": t.name, "due_at": helsinki(t.due_at)}
        for t in s.scalars(select(PendingTimer).where(PendingTimer.instance_id == i.id)
                           .order_by(PendingTimer.due_at, PendingTimer.id))]
    result["message_subscriptions"] = [
        {"element_id": m.element_id, "message_name": m.message_name}
        for m in s.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == i.id))]
    return result


def history(s, instance_id: str, limit=DEFAULT_LIMIT, cursor=None, type=None) -> dict:
    """In the order it happened; ``type``: only events of that type."""
    query = select(HistoryEvent).where(HistoryEvent.instance_id == instance_id,
                                       *conditions(((HistoryEvent.type, type),)))
    return _page(keyset(s, query, [HistoryEvent.id], limit, cursor), lambda r: {
        "id": r.id, "at": helsinki(r.at), "type": r.type, "element_id": r.element_id, "name": r.name,
        "user": r.user, "role": r.role, "data": r.data})


# -- tasks -------------------------------------------------------------------------------------------
def task(t: UserTask) -> dict:
    return {"id": t.id, "element_id": t.element_id, "name": t.name, "candidate_group": t.candidate_group,
            "assignee": t.assignee, "due_at": helsinki(t.due_at), "due_date": last_day(t.due_at),
            "created_at": helsinki(t.created_at), "instance_id": t.instance_id, "process_key": t.process_key,
            "business_key": t.business_key, "area": t.area}


def task_detail(t: UserTask, schema, ui_schema) -> dict:
    return {**task(t), "status": t.status, "data": t.data, "form": {"schema": schema, "ui_schema": ui_schema}}


def open_tasks(s, reach: Reach, candidate_group=None, assignee=None, process_key=None, business_key=None,
               instance_id=None, limit=DEFAULT_LIMIT, cursor=None, open_to=None, due_before=None) -> dict:
    """By due date (the soonest first; tasks without a deadline last), then by id: a stable order.
    ``open_to``: only tasks claimed by that user or by nobody; ``due_before``: only tasks due before then."""
    extra = []
    if open_to is not None:
        extra.append(or_(UserTask.assignee == open_to, UserTask.assignee.is_(None)))
    if due_before is not None:
        extra.append(UserTask.due_at < due_before)
    query = select(UserTask).where(UserTask.status == "open",
                                   condition(reach, UserTask.area, UserTask.business_key, UserTask.candidate_group),
                                   *extra, *conditions((
        (UserTask.candidate_group, candidate_group), (UserTask.assignee, assignee),
        (UserTask.process_key, process_key), (UserTask.business_key, business_key),
        (UserTask.instance_id, instance_id))))
    return _page(keyset(s, query, [UserTask.due_at, UserTask.id], limit, cursor, nulls_last=True), task)


# -- outbox and customers ----------------------------------------------------------------------------
def outbox(s, reach: Reach, business_key=None, recipient=None, type=None, instance_id=None, process_key=None,
           limit=DEFAULT_LIMIT, cursor=None) -> dict:
    """In the order sent."""
    query = select(OutboxEntry).where(condition(reach, OutboxEntry.area, OutboxEntry.business_key), *conditions((
        (OutboxEntry.business_key, business_key), (OutboxEntry.recipient, recipient), (OutboxEntry.type, type),
        (OutboxEntry.instance_id, instance_id), (OutboxEntry.process_key, process_key))))
    return _page(keyset(s, query, [OutboxEntry.id], limit, cursor), lambda o: {
        "id": o.id, "at": helsinki(o.at), "date": o.at.astimezone(HELSINKI).date().isoformat(),
        "instance_id": o.instance_id, "process_key": o.process_key, "business_key": o.business_key,
        "area": o.area, "type": o.type, "recipient": o.recipient, "element_id": o.element_id, "payload": o.payload})


def subscriptions(s, reach: Reach, business_key=None, name=None, limit=DEFAULT_LIMIT, cursor=None) -> dict:
    """The messages running instances wait for, oldest subscription first."""
    query = select(MessageSubscription).where(condition(reach, MessageSubscription.area,
                                                        MessageSubscription.business_key),
                                              *conditions(((MessageSubscription.business_key, business_key),
                                                           (MessageSubscription.message_name, name))))
    return _page(keyset(s, query, [MessageSubscription.id], limit, cursor), lambda m: {
        "id": m.id, "message_name": m.message_name, "business_key": m.business_key, "area": m.area,
        "instance_id": m.instance_id,
        "element_id": m.element_id, "since": helsinki(m.created_at)})


def customer(s, reach: Reach, task_reach: Reach, business_key: str, candidate_group=None, process_key=None,
             limit=DEFAULT_LIMIT) -> dict | None:
    """A customer's cases, their open tasks (of one role if asked), what was sent and the payments made.

    Each list is its first page; ``next_cursors`` continue them on the list endpoints with the same
    filters (``/process-instances``, ``/tasks``, ``/outbox`` and ``/outbox?type=payment``).
    """
    cases = instances(s, reach, process_key=process_key, business_key=business_key, limit=limit)
    if not cases["items"]:
        return None
    tasks = open_tasks(s, task_reach, business_key=business_key, candidate_group=candidate_group,
                       process_key=process_key, limit=limit)
    sent = outbox(s, reach, business_key=business_key, process_key=process_key, limit=limit)
    payments = outbox(s, reach, business_key=business_key, process_key=process_key, type="payment", limit=limit)
    return {"business_key": business_key, "instances": cases["items"], "open_tasks": tasks["items"],
            "outbox": sent["items"], "payments": payments["items"],
            "next_cursors": {"instances": cases["next_cursor"], "open_tasks": tasks["next_cursor"],
                             "outbox": sent["next_cursor"], "payments": payments["next_cursor"]}}


# -- audit -------------------------------------------------------------------------------------------
def audit(s, reach: Reach, customer=None, subject=None, since=None, until=None, limit=DEFAULT_LIMIT,
          cursor=None) -> dict:
    """Who read or changed whose data, in the order it happened, only rows within ``reach``."""
    query = select(AuditRow).where(condition(reach, AuditRow.area, AuditRow.customer),
                                   *conditions(((AuditRow.customer, customer), (AuditRow.subject, subject))))
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if until is not None:
        query = query.where(AuditRow.at < until)
    return _page(keyset(s, query, [AuditRow.id], limit, cursor), lambda a: {
        "id": a.id, "at": helsinki(a.at), "subject": a.subject, "role": a.role, "area": a.area,
        "customer": a.customer, "instance_id": a.instance_id, "action": a.action, "result": a.result})
