"""The customer record: what outlives one case — failures, sanctions, registrations — per person.

A diagram reads and writes it through a BPMN data store (SpiffWorkflow supports them)::

    <bpmn:dataStore id="customer_record" name="customer_record"/>            (in bpmn:definitions)
    <bpmn:dataStoreReference id="…" name="Asiakkaan tiedot" dataStoreRef="customer_record"/>

A task with a data input association from the reference finds ``customer_record`` in its data:
``{"customer": "<business key>", "events": [{"id": 7, "kind": "failure", "date": "2026-03-10", …}, …]}``,
oldest first, from every case of the person. A task with a data output association to it records
each event it appended (one without an ``id``): the service writes them in the same transaction as the
step, so a step that fails records nothing. The engine itself touches no database: the service binds a
:class:`RecordSession` around each step (:func:`using`).
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date

from SpiffWorkflow.bpmn.specs.data_spec import BpmnDataStoreSpecification
from SpiffWorkflow.bpmn.exceptions import WorkflowDataException

from .sandbox_guards import check_data

STORE_NAME = "customer_record"
MAX_NEW_EVENTS = 100  # one step records a handful; a loop appending without end is a fault


@dataclass
class RecordSession:
    """One step's view of one person's record: loaded on first read, plus what the step appended."""

    customer: str
    load: Callable[[], list[dict]]
    added: list[dict] = field(default_factory=list)
    _loaded: list[dict] | None = None

    def events(self) -> list[dict]:
        if self._loaded is None:
            self._loaded = self.load()
        return self._loaded + [{**event, "id": f"new-{n}"} for n, event in enumerate(self.added, 1)]


_session: ContextVar[RecordSession | None] = ContextVar("tva_flow_customer_record", default=None)


@contextmanager
def using(session: RecordSession | None):
    token = _session.set(session)
    try:
        yield session
    finally:
        _session.reset(token)


def recorded() -> list[dict]:
    """What the running step appended to the record (the service writes these with the step)."""
    session = _session.get()
    return list(session.added) if session else []


class CustomerRecordStore(BpmnDataStoreSpecification):
    """The BPMN data store ``customer_record``."""

    def get(self, my_task) -> None:
        session = self._session(my_task, reading=True)
        my_task.data[self.bpmn_id] = {"customer": session.customer, "events": deepcopy(session.events())}

    def set(self, my_task) -> None:
        session = self._session(my_task, reading=False)
        value = my_task.data.pop(self.bpmn_id, None)
        events = value.get("events") if isinstance(value, dict) else None
        if not isinstance(events, list):
            raise WorkflowDataException("the customer record is written as {'events': [...]}: append the new "
                                        "events to customer_record['events']", my_task, data_output=self)
        new = [event for event in events if not (isinstance(event, dict) and "id" in event)]
        if len(session.added) + len(new) > MAX_NEW_EVENTS:
            raise WorkflowDataException(f"one step may record at most {MAX_NEW_EVENTS} events in the customer "
                                        "record", my_task, data_output=self)
        for event in new:
            problem = _problem(event)
            if problem:
                raise WorkflowDataException(f"a customer record event {problem}", my_task, data_output=self)
            check_data(event, "a customer record event")
            session.added.append(deepcopy(event))

    def _session(self, my_task, reading: bool) -> RecordSession:
        session = _session.get()
        if session is None:
            raise WorkflowDataException("the customer record is not available outside a step of a case",
                                        my_task, **({"data_input": self} if reading else {"data_output": self}))
        return session


def _problem(event) -> str | None:
    if not isinstance(event, dict):
        return "must be an object with 'kind' and 'date'"
    kind = event.get("kind")
    if not isinstance(kind, str) or not 0 < len(kind) <= 32:
        return "needs a 'kind' of 1–32 characters (e.g. 'failure', 'sanction', 'registration')"
    try:
        date.fromisoformat(str(event.get("date")))
    except ValueError:
        return "needs a 'date' as an ISO date (e.g. '2026-03-10')"
    return None
