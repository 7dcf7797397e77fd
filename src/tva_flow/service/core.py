"""What every use case shares: the unit of work around one step, loading and saving instances, caches.

A step writes the instance's SpiffWorkflow state, its projections (open user tasks, pending timers,
message subscriptions), its history and its outbox entries in the same transaction, or nothing at all.
"""
from __future__ import annotations

import functools
import json
import logging
import random
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event as sa_event, func, select

from ..auth import policy
from ..auth.actor import SYSTEM, Actor
from ..engine import records
from ..engine.clock import Clock, SystemClock
from ..engine.definitions import ProcessBundle, parse_bundle
from ..engine.runtime import EngineError, Runtime, Step
from ..errors import Conflict, NotFound, TooLarge
from ..store.db import Database, lost_race
from ..store.models import (AuditRow, CustomerEvent, DefinitionFile, HistoryEvent, MessageSubscription, OutboxEntry, PendingTimer,
                            ProcessDefinition, ProcessInstance, UserTask)

log = logging.getLogger(__name__)
RETRIES = 4
RECORD_LIMIT = 1000  # a person's newest customer-record events a step sees (years of a service process)


@dataclass(frozen=True)
class By:
    """Who a step is done by, as the history records it: the token's subject and the role acted in."""

    user: str | None
    role: str | None


ENGINE = By(None, SYSTEM)  # a timer firing, the engine on its own


class OutOfReach(NotFound):
    """A record exists but is outside the actor's reach: answered as 404, recorded in the audit trail."""

    def __init__(self, message: str, actor: Actor, action: str, area, customer, instance_id):
        super().__init__(message)
        self.actor, self.role = actor, policy.require(actor, action)
        self.action, self.area, self.customer, self.instance_id = action, area, customer, instance_id


def retried(method):
    """Run a use case again when its transaction lost a race (deadlock, serialization failure, SQLite
    busy); after a few tries, answer 409 rather than fail."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        for attempt in range(1, RETRIES + 1):
            try:
                return method(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - only lost races are retried, see lost_race
                if not lost_race(exc):
                    raise
                log.info("%s lost a race (attempt %d): %s", method.__name__, attempt, str(exc).split("\n")[0])
                if attempt == RETRIES:
                    raise Conflict("another request changed the same data at the same moment; try again") from exc
                time.sleep(random.uniform(0.005, 0.03) * attempt)
    return wrapper


class ServiceCore:
    def __init__(self, db: Database, clock: Clock | None = None, spec_cache_size: int = 64,
                 workflow_cache_size: int = 256, max_state_bytes: int = 8 * 1024 * 1024,
                 advance_limit: int = 1000):
        self.db = db
        self.clock = clock or SystemClock()
        self.runtime = Runtime(self.clock)
        self.max_state_bytes = max_state_bytes  # one instance's saved state, process data included
        self.advance_limit = advance_limit  # timers one clock advance fires at most
        self._specs: OrderedDict[int, tuple] = OrderedDict()  # parsed spec by process version
        self._forms_by_version: OrderedDict[int, dict] = OrderedDict()  # parsed form files by process version
        self._file_facts: OrderedDict[tuple, object] = OrderedDict()  # what a reader found in a file, by hash
        self._spec_cache_size = spec_cache_size
        # Workflows as committed, by instance id, with the revision they were saved as. A step takes its
        # workflow out of the cache and puts it back only after its transaction commits, so a failed
        # step never leaves a half-changed object behind, and another worker's newer revision wins.
        self._workflows: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self._workflow_cache_size = workflow_cache_size

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def _write(self):
        """One unit of work at one instant: the clock is read once and every stamp of the step carries it."""
        with self.db.unit_of_work() as s, self.clock.moment():  # the time once the write lock is ours
            yield s

    # -- internals -----------------------------------------------------------------------------------
    def _apply(self, s, instance: ProcessInstance, workflow, step: Step, by: By, status: str | None = None,
               depth: int = 0) -> None:
        """Write the new state and every projection of one step (caller's transaction)."""
        sa_event.listen(s, "after_commit", lambda _session: self._remember(instance.id, instance.revision, workflow),
                     once=True)
        now = self.now()
        instance.state = self.runtime.dump(workflow)
        if len(instance.state) > self.max_state_bytes:
            raise TooLarge(f"the process data of instance {instance.id} would grow to {len(instance.state)} bytes, "
                           f"more than the {self.max_state_bytes} an instance may keep", {"data": "too large"})
        instance.status = status or step.status
        instance.variables = step.variables
        instance.updated_at = now
        instance.revision = (instance.revision or 0) + 1
        if instance.status in ("completed", "cancelled"):
            instance.ended_at = now
        for event in step.events:
            engine = event.type == "timer_fired"
            s.add(HistoryEvent(instance_id=instance.id, at=now, type=event.type, element_id=event.element_id,
                               name=event.name, user=event.user or (None if engine else by.user),
                               role=SYSTEM if engine else by.role, data=event.data))
        open_rows = {t.id: t for t in s.scalars(select(UserTask).where(UserTask.instance_id == instance.id,
                                                                        UserTask.status == "open"))}
        for task in step.open_tasks:
            row = open_rows.pop(task.task_id, None)
            if row is None:
                s.add(UserTask(id=task.task_id, instance_id=instance.id, element_id=task.element_id,
                               name=task.name, candidate_group=task.candidate_group, assignee=None,
                               status="open", due_at=task.due_at, created_at=now, form=task.form,
                               ui_form=task.ui_form, data=task.data, process_key=instance.process_key,
                               business_key=instance.business_key, area=instance.area))
            else:
                row.data = task.data
        for row in open_rows.values():
            row.status, row.closed_at = "cancelled", now
        # Timers and subscriptions: keep the rows that still stand, drop the rest, add the new ones.
        _sync(s, PendingTimer, instance.id, step.timers, lambda t: (t.task_id, t.due_at),
              lambda t: PendingTimer(instance_id=instance.id, task_id=t.task_id, element_id=t.element_id,
                                     name=t.name, due_at=t.due_at))
        _sync(s, MessageSubscription, instance.id, step.subscriptions, lambda m: (m.task_id, m.message_name),
              lambda m: MessageSubscription(instance_id=instance.id, task_id=m.task_id, element_id=m.element_id,
                                            message_name=m.message_name, business_key=instance.business_key,
                                            area=instance.area, created_at=now))
        for event in step.records:
            s.add(CustomerEvent(business_key=instance.business_key, area=instance.area, at=now, kind=event["kind"],
                                date=str(event["date"]), instance_id=instance.id, process_key=instance.process_key,
                                data=event))
        for message in step.outgoing:
            s.add(OutboxEntry(instance_id=instance.id, process_key=instance.process_key,
                              business_key=instance.business_key, area=instance.area, at=now, type=message.type,
                              recipient=message.recipient, element_id=message.element_id, payload=message.payload))
        s.flush()
        for message in step.outgoing:
            self._dispatch(s, instance, message, by, depth)

    @contextmanager
    def _customer_record(self, s, instance: ProcessInstance):
        """The person's record for one step of ``instance``: read (lazily) from every case of theirs; what
        the step appends is written by :meth:`_apply` in the same transaction."""
        def load() -> list[dict]:
            rows = s.scalars(select(CustomerEvent).where(CustomerEvent.business_key == instance.business_key)
                             .order_by(CustomerEvent.id.desc()).limit(RECORD_LIMIT)).all()
            return [{**row.data, "id": row.id, "kind": row.kind, "date": row.date, "case": row.instance_id,
                     "process": row.process_key} for row in reversed(rows)]
        with records.using(records.RecordSession(instance.business_key, load)):
            yield

    def _fail(self, s, instance: ProcessInstance, exc: EngineError, by: By) -> None:
        instance.status, instance.error, instance.updated_at = "failed", str(exc), self.now()
        s.add(HistoryEvent(instance_id=instance.id, at=self.now(), type="failed", element_id=exc.element_id,
                           name=None, user=by.user, role=by.role, data={"error": str(exc)}))

    def _record_refusal(self, instance_id: str | None, exc: EngineError, by: By) -> None:
        """After a client's step failed inside the process and rolled back: the instance stays as it was
        (the task open, the message awaited) and its history says what failed, where and for whom."""
        if instance_id is None:
            return
        log.warning("a step of process instance %s failed and was refused: %s", instance_id, exc)
        with self._write() as s:
            if s.get(ProcessInstance, instance_id) is not None:
                s.add(HistoryEvent(instance_id=instance_id, at=self.now(), type="step_failed",
                                   element_id=exc.element_id, name=None, user=by.user, role=by.role,
                                   data={"error": str(exc)}))

    def _record_failure(self, instance_id: str | None, exc: EngineError, by: By) -> None:
        """After a failed step rolled back: mark the instance failed (its last good state is kept)."""
        if instance_id is None:
            return
        log.error("process instance %s failed: %s", instance_id, exc)
        with self._write() as s:
            instance = s.get(ProcessInstance, instance_id, with_for_update=True)
            if instance is not None and instance.status == "running":
                self._fail(s, instance, exc, by)

    def _remember(self, instance_id: str, revision: int, workflow) -> None:
        self._workflows[instance_id] = (revision, workflow)
        self._workflows.move_to_end(instance_id)
        while len(self._workflows) > self._workflow_cache_size:
            self._workflows.popitem(last=False)

    def _load(self, s, instance: ProcessInstance):
        cached = self._workflows.pop(instance.id, None)
        if cached is not None and cached[0] == instance.revision:
            return cached[1]
        definition = s.get(ProcessDefinition, instance.definition_id)
        spec, subprocess_specs = self._spec(s, definition)
        return self.runtime.load(instance.state, spec, subprocess_specs)

    def _spec(self, s, definition: ProcessDefinition):
        """The parsed spec of a process version (parsed once per version, kept while used)."""
        def parse():
            files = {name: self._file(s, digest).content for name, digest in definition.files.items()}
            return parse_bundle(ProcessBundle(definition.process_key, definition.name, definition.bpmn_file, files))
        return self._cached(self._specs, definition.id, parse)

    def _cached(self, cache: OrderedDict, key, make):
        value = cache.get(key)
        if value is None:
            value = cache[key] = make()
            while len(cache) > self._spec_cache_size:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return value

    @staticmethod
    def _file(s, digest: str) -> DefinitionFile:
        return s.get(DefinitionFile, digest)

    def _form_files(self, s, task: UserTask) -> dict[str, dict]:
        return self._version_forms(s, self._definition_of(s, task))

    def _version_forms(self, s, definition: ProcessDefinition) -> dict[str, dict]:
        """Every form file of a process version, parsed once per version, by file name."""
        return self._cached(self._forms_by_version, definition.id, lambda: {
            name: json.loads(self._file(s, digest).content) for name, digest in definition.files.items()
            if name.endswith(".json")})

    def _file_fact(self, s, digest: str, read):
        """What ``read(content)`` finds in one deployed file, worked out once per file: the content is read
        from the store only then (files never change under their hash)."""
        return self._cached(self._file_facts, (read.__name__, digest), lambda: read(self._file(s, digest).content))

    def _form(self, s, task: UserTask, filename: str | None):
        return self._form_files(s, task).get(filename) if filename else None

    def _forms(self, s, task: UserTask) -> dict[str, dict]:
        """Every form schema of the task's process version, by file name ($refs resolve among these)."""
        return {name: schema for name, schema in self._form_files(s, task).items()
                if not name.endswith(".uischema.json")}

    @staticmethod
    def _definition_of(s, task: UserTask) -> ProcessDefinition:
        return s.get(ProcessDefinition, s.get(ProcessInstance, task.instance_id).definition_id)

    @staticmethod
    def _latest_definitions(s) -> list[ProcessDefinition]:
        return list(s.scalars(ServiceCore._latest_query()))

    @staticmethod
    def _latest_query():
        """The latest version of each process."""
        latest = (select(ProcessDefinition.process_key, func.max(ProcessDefinition.version).label("version"))
                  .group_by(ProcessDefinition.process_key).subquery())
        return select(ProcessDefinition).join(latest, (ProcessDefinition.process_key == latest.c.process_key)
                                              & (ProcessDefinition.version == latest.c.version))

    @staticmethod
    def _latest_definition(s, process_key: str) -> ProcessDefinition | None:
        return s.scalars(select(ProcessDefinition).where(ProcessDefinition.process_key == process_key)
                         .order_by(ProcessDefinition.version.desc()).limit(1)).first()

    @staticmethod
    def _instance(s, instance_id: str, lock: bool = False) -> ProcessInstance:
        if "\x00" in str(instance_id):  # no id has one, and PostgreSQL refuses to even look
            raise NotFound(f"no process instance {instance_id!r}")
        instance = s.get(ProcessInstance, str(instance_id), with_for_update=lock or None)
        if instance is None:
            raise NotFound(f"no process instance '{instance_id}'")
        return instance

    @staticmethod
    def _task(s, task_id: str) -> UserTask:
        if "\x00" in str(task_id):
            raise NotFound(f"no task {task_id!r}")
        task = s.get(UserTask, str(task_id))
        if task is None:
            raise NotFound(f"no task '{task_id}'")
        return task

    # -- reach and audit -------------------------------------------------------------------------------
    @contextmanager
    def _audited(self, read_only: bool = False):
        """A unit of work that records the personal data it reads or changes (rows added with
        :meth:`_audit`, committed with it). ``read_only``: the reading holds no write lock (SQLite has one
        for the whole database); its rows are written in one short transaction right after, so an answer
        still never leaves without them. An attempt on a record out of reach is recorded in a transaction
        of its own, then answered 404."""
        try:
            if read_only:
                with self.db.read() as s:
                    s.info["audit_rows"] = rows = []
                    yield s
                with self._write() as w:
                    w.add_all(rows)
            else:
                with self._write() as s:
                    yield s
        except OutOfReach as exc:
            with self._write() as s:
                s.add(self._audit_row(exc.actor, exc.role, exc.action, exc.area, exc.customer, exc.instance_id,
                                      "out_of_reach"))
            raise

    def _audit(self, s, actor: Actor, role: str, action: str, area=None, customer=None, instance_id=None) -> None:
        row = self._audit_row(actor, role, action, area, customer, instance_id, "ok")
        pending = s.info.get("audit_rows")
        if pending is not None:  # a read (see _audited): written right after it
            pending.append(row)
        else:
            s.add(row)

    def _audit_items(self, s, actor: Actor, role: str, action: str, items: list[dict], asked: str | None = None) -> None:
        """One row per customer whose data a page of a list showed; a list asked for by a customer's
        business key is recorded under that customer even when it shows nothing (in the actor's area when
        they have one, so their area's auditor sees the search)."""
        seen = {(i.get("area"), i.get("business_key")) for i in items}
        if asked is not None and asked not in {customer for _, customer in seen}:
            seen.add((actor.only_area, asked))
        for area, customer in sorted(seen, key=lambda pair: (pair[0] or "", pair[1] or "")):
            self._audit(s, actor, role, action, area=area, customer=customer)

    def _audit_row(self, actor: Actor, role: str, action: str, area, customer, instance_id, result) -> AuditRow:
        return AuditRow(at=self.now(), subject=actor.subject, role=role, area=area, customer=customer,
                        instance_id=instance_id, action=action, result=result)

    def _reached_instance(self, s, actor: Actor, action: str, instance_id: str,
                          lock: bool = False) -> tuple[ProcessInstance, str]:
        """The instance and the role the actor reaches it in; 404 when it is missing or out of reach."""
        instance = self._instance(s, instance_id, lock=lock)
        role = policy.acting_role(actor, action, instance.area, instance.business_key)
        if role is None:
            raise OutOfReach(f"no process instance '{instance_id}'", actor, action, instance.area,
                             instance.business_key, instance.id)
        return instance, role

    def _reached_task(self, s, actor: Actor, action: str, task_id: str, lock: bool = False) -> tuple[UserTask, str]:
        """The task (its instance locked first with ``lock``) and the role the actor reaches it in."""
        task = self._task(s, task_id)
        role = policy.acting_role(actor, action, task.area, task.business_key, task.candidate_group, tasks=True)
        if role is None:
            raise OutOfReach(f"no task '{task_id}'", actor, action, task.area, task.business_key, task.instance_id)
        if lock:
            self._instance(s, task.instance_id, lock=True)
            s.refresh(task, with_for_update=True)
        return task, role


def _sync(s, model, instance_id: str, wanted: list, key, make) -> None:
    """Make an instance's projection rows of ``model`` the ``wanted`` records: rows whose key still stands
    stay as they are (ids and created_at kept), the others go, the missing ones are added."""
    pending = {key(item): item for item in wanted}
    for row in s.scalars(select(model).where(model.instance_id == instance_id)):
        if pending.pop(key(row), None) is None:
            s.delete(row)
    for item in pending.values():
        s.add(make(item))


def history_row(instance_id, at, type_, task: UserTask, by: By, **data) -> HistoryEvent:
    return HistoryEvent(instance_id=instance_id, at=at, type=type_, element_id=task.element_id, name=task.name,
                        user=by.user, role=by.role, data={"task_id": task.id, **data})
