"""What one step of an instance did, as plain records the service writes in one transaction.

A :class:`Step` carries history events, messages sent outside, and the instance's open user tasks,
pending timers and message subscriptions as they stand after the step (the store's projections).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Event:
    """One history entry."""
    type: str
    element_id: str | None = None
    name: str | None = None
    data: dict | None = None
    user: str | None = None


@dataclass
class OpenTask:
    task_id: str
    element_id: str
    name: str
    candidate_group: str | None
    form: str | None
    ui_form: str | None
    due_at: datetime | None
    data: dict


@dataclass
class Timer:
    task_id: str
    element_id: str
    name: str
    due_at: datetime


@dataclass
class Subscription:
    task_id: str
    element_id: str
    message_name: str


@dataclass
class Outgoing:
    """A message the process sent that nothing inside it caught: it goes to the outbox."""
    type: str
    recipient: str | None
    payload: dict | None
    element_id: str | None = None


@dataclass
class Step:
    events: list[Event] = field(default_factory=list)
    outgoing: list[Outgoing] = field(default_factory=list)
    status: str = "running"
    open_tasks: list[OpenTask] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    variables: dict = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)  # events appended to the customer record
