"""The use cases. The API, the CLI, the scheduler and the tests all call these and nothing below them.

Every change happens in one unit of work: the instance's SpiffWorkflow state, its projections (open
user tasks, pending timers, message subscriptions) and its history are written in the same transaction
or not at all. The acting ``user`` is one explicit parameter so that only its source changes when
authentication arrives.
"""
from __future__ import annotations

import json
import logging
from collections import OrderedDict
from datetime import datetime
from uuid import uuid4

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import event as sa_event, func, select

from . import forms, views
from .engine import clock as engine_clock
from .engine.clock import Clock, SystemClock
from .engine.definitions import (DefinitionError, ProcessBundle, build_bundles, content_hash, kind_of,
                                 parse_bundle, read_dirs)
from .engine.runtime import EngineError, Event, Runtime, Step
from .errors import BadRequest, Conflict, Invalid, NotFound, ProcessFailed
from .store.db import Database
from .store.models import (CurrentFile, DefinitionFile, HistoryEvent, MessageSubscription, OutboxEntry,
                           PendingTimer, ProcessDefinition, ProcessInstance, UserTask)
from .views import helsinki as _helsinki

log = logging.getLogger(__name__)


class TvaFlow:
    def __init__(self, db: Database, clock: Clock | None = None, spec_cache_size: int = 64,
                 workflow_cache_size: int = 256):
        self.db = db
        self.clock = engine_clock.install(clock or SystemClock())
        self.runtime = Runtime()
        self._specs: OrderedDict[int, tuple] = OrderedDict()
        self._spec_cache_size = spec_cache_size
        # Workflows as committed, by instance id, with the revision they were saved as. A step takes its
        # workflow out of the cache and puts it back only after its transaction commits, so a failed
        # step never leaves a half-changed object behind, and another worker's newer revision wins.
        self._workflows: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self._workflow_cache_size = workflow_cache_size

    def now(self) -> datetime:
        return self.clock.now()

    # -- definitions ---------------------------------------------------------------------------------
    def deploy_paths(self, paths) -> dict:
        return self.deploy(read_dirs(paths))

    def deploy(self, files: dict[str, bytes]) -> dict:
        """Deploy definition files. All are accepted or none; changed bundles become new versions."""
        if not files:
            raise BadRequest("no definition files given", {"files": "at least one .bpmn, .dmn or .json file"})
        unknown = [name for name in files if kind_of(name) is None]
        if unknown:
            raise BadRequest("unknown kind of definition file", {n: "expected .bpmn, .dmn or .json" for n in unknown})
        problems = {}
        for name, content in files.items():
            if kind_of(name) == "form":
                try:
                    problem = forms.schema_problem(json.loads(content))
                except ValueError as exc:
                    problem = f"not valid JSON: {exc}"
                if problem and not name.endswith(".uischema.json"):
                    problems[name] = problem
        if problems:
            raise Invalid("refused: a form is not a valid JSON Schema", problems)
        now = self.now()
        with self.db.unit_of_work() as s:
            current = {row.filename: row for row in s.scalars(select(CurrentFile))}
            workspace = {name: self._file(s, row.content_hash).content for name, row in current.items()}
            workspace.update(files)
            try:
                bundles = build_bundles(workspace)
            except DefinitionError as exc:
                raise Invalid(f"refused: {exc}", {exc.file: exc.as_dict()}) from exc
            for name, content in files.items():
                digest = content_hash(content)
                if s.get(DefinitionFile, digest) is None:
                    s.add(DefinitionFile(content_hash=digest, filename=name, kind=kind_of(name), content=content,
                                         deployed_at=now))
                    s.flush()
                row = current.get(name)
                if row is None:
                    s.add(CurrentFile(filename=name, content_hash=digest, deployed_at=now))
                elif row.content_hash != digest:
                    row.content_hash, row.deployed_at = digest, now
            result = []
            for bundle in bundles:
                latest = self._latest_definition(s, bundle.process_key)
                if latest is not None and latest.bundle_hash == bundle.bundle_hash:
                    result.append(views.definition(latest, created=False))
                    continue
                definition = ProcessDefinition(
                    process_key=bundle.process_key, version=(latest.version + 1) if latest else 1,
                    name=bundle.name, bpmn_file=bundle.bpmn_file, bundle_hash=bundle.bundle_hash,
                    files={n: content_hash(c) for n, c in bundle.files.items()}, deployed_at=now,
                    message_starts=bundle.message_starts)
                s.add(definition)
                s.flush()
                result.append(views.definition(definition, created=True))
        return {"deployed": sorted(files), "processes": result}

    def list_definitions(self) -> list[dict]:
        with self.db.read() as s:
            rows = s.scalars(select(ProcessDefinition).order_by(ProcessDefinition.process_key,
                                                                 ProcessDefinition.version)).all()
            by_key: dict[str, list] = {}
            for row in rows:
                by_key.setdefault(row.process_key, []).append(row)
            return [views.definition(versions[-1], versions=[v.version for v in versions])
                    for versions in by_key.values()]

    @staticmethod
    def validate_paths(paths) -> list[str]:
        from .validation import validate_files
        return validate_files(read_dirs(paths))

    # -- decisions -----------------------------------------------------------------------------------
    def evaluate_decision(self, decision: str, inputs: dict | None = None) -> dict:
        """Evaluate a deployed decision (by id or name) on its own, with the trace of how it decided."""
        with self.db.read() as s:
            rows = s.scalars(select(CurrentFile).where(CurrentFile.filename.like("%.dmn"))).all()
            files = {row.filename: self._file(s, row.content_hash).content for row in rows}
        return evaluate_in_files(files, decision, inputs or {})

    # -- instances -----------------------------------------------------------------------------------
    def start_instance(self, process_key: str, business_key: str, variables: dict | None = None,
                       user: str | None = None) -> dict:
        with self.db.unit_of_work() as s:
            definition = self._latest_definition(s, process_key)
            if definition is None:
                raise NotFound(f"no process definition '{process_key}' is deployed", {"process_key": "unknown"})
            instance = self._start(s, definition, business_key, variables or {}, user)
            return views.instance(s, instance)

    def _start(self, s, definition: ProcessDefinition, business_key: str, variables: dict, user,
               depth: int = 0) -> ProcessInstance:
        spec, subprocess_specs = self._spec(s, definition)
        now = self.now()
        instance = ProcessInstance(
            id=str(uuid4()), definition_id=definition.id, process_key=definition.process_key,
            version=definition.version, business_key=business_key, status="running", started_at=now,
            updated_at=now, variables=variables, state="", revision=0)
        s.add(instance)
        s.flush()
        try:
            workflow, step = self.runtime.start(spec, subprocess_specs, variables)
        except EngineError as exc:
            self._fail(s, instance, exc, user)
            return instance
        self._apply(s, instance, workflow, step, user, depth=depth)
        return instance

    def get_instance(self, instance_id: str) -> dict:
        with self.db.read() as s:
            return views.instance(s, self._instance(s, instance_id))

    def list_instances(self, process_key=None, business_key=None, status=None) -> list[dict]:
        with self.db.read() as s:
            return views.instances(s, process_key=process_key, business_key=business_key, status=status)

    def history(self, instance_id: str) -> list[dict]:
        with self.db.read() as s:
            return views.history(s, self._instance(s, instance_id).id)

    def cancel_instance(self, instance_id: str, user: str | None = None) -> dict:
        with self.db.unit_of_work() as s:
            instance = self._instance(s, instance_id, lock=True)
            if instance.status != "running":
                raise Conflict(f"instance is {instance.status}; only a running instance can be cancelled")
            workflow = self._load(s, instance)
            step = self.runtime.cancel(workflow)
            step.events.append(Event("cancelled", user=user))
            self._apply(s, instance, workflow, step, user, status="cancelled")
            return views.instance(s, instance)

    # -- user tasks ----------------------------------------------------------------------------------
    def list_tasks(self, candidate_group=None, assignee=None, process_key=None, business_key=None,
                   instance_id=None) -> list[dict]:
        with self.db.read() as s:
            return views.open_tasks(s, candidate_group=candidate_group, assignee=assignee, process_key=process_key,
                                    business_key=business_key, instance_id=instance_id)

    def get_task(self, task_id: str) -> dict:
        with self.db.read() as s:
            task = self._task(s, task_id)
            return views.task_detail(task, self._form(s, task, task.form), self._form(s, task, task.ui_form))

    def claim_task(self, task_id: str, user: str) -> dict:
        with self.db.unit_of_work() as s:
            task = self._open_task(s, task_id, lock=True)
            if task.assignee and task.assignee != user:
                raise Conflict(f"task is claimed by {task.assignee}")
            if task.assignee != user:
                task.assignee = user
                s.add(_history(task.instance_id, self.now(), "task_claimed", task, user))
            return views.task(task)

    def unclaim_task(self, task_id: str, user: str | None = None) -> dict:
        with self.db.unit_of_work() as s:
            task = self._open_task(s, task_id, lock=True)
            if user and task.assignee and task.assignee != user:
                raise Conflict(f"task is claimed by {task.assignee}; only they can release it")
            if task.assignee:
                s.add(_history(task.instance_id, self.now(), "task_unclaimed", task, user or task.assignee))
                task.assignee = None
            return views.task(task)

    def complete_task(self, task_id: str, user: str, data: dict) -> dict:
        """Complete a user task with form data. An unclaimed task is claimed by ``user`` on the way."""
        instance_id = None
        try:
            with self.db.unit_of_work() as s:
                task = self._open_task(s, task_id, lock=True)
                instance_id = task.instance_id
                if task.assignee and task.assignee != user:
                    raise Conflict(f"task is claimed by {task.assignee}")
                schema = self._form(s, task, task.form)
                if schema is not None:
                    problems = forms.field_errors(schema, data)
                    if problems:
                        raise Invalid("the form data is not acceptable", problems)
                instance = s.get(ProcessInstance, task.instance_id)  # locked by _open_task
                if instance.status != "running":
                    raise Conflict(f"instance is {instance.status}")
                workflow = self._load(s, instance)
                try:
                    step = self.runtime.complete_user_task(workflow, task.id, data, user)
                except LookupError as exc:
                    raise Conflict("task is no longer open in the process") from exc
                if task.assignee is None:
                    s.add(_history(task.instance_id, self.now(), "task_claimed", task, user))
                task.assignee, task.status, task.completed_by = user, "completed", user
                task.closed_at, task.data = self.now(), data
                self._apply(s, instance, workflow, step, user)
                return views.instance(s, instance)
        except EngineError as exc:
            self._record_failure(instance_id, exc, user)
            raise ProcessFailed(f"the process failed after the task: {exc}") from exc

    # -- messages ------------------------------------------------------------------------------------
    def send_message(self, name: str, business_key: str, variables: dict | None = None,
                     user: str | None = None) -> dict:
        variables = variables or {}
        instance_id = None
        try:
            with self.db.unit_of_work() as s:
                subscription = self._subscription(s, name, business_key)
                if subscription is None:
                    raise Conflict(f"no process instance with business key '{business_key}' is waiting for "
                                   f"message '{name}'")
                instance_id = subscription.instance_id
                instance = self._deliver(s, subscription, name, variables, user)
                return {"instance_id": instance.id, "element_id": subscription.element_id,
                        "status": instance.status}
        except EngineError as exc:
            self._record_failure(instance_id, exc, user)
            raise ProcessFailed(f"the process failed on the message: {exc}") from exc

    @staticmethod
    def _subscription(s, name: str, business_key: str, exclude: str | None = None):
        query = (select(MessageSubscription)
                 .join(ProcessInstance, ProcessInstance.id == MessageSubscription.instance_id)
                 .where(MessageSubscription.message_name == name, MessageSubscription.business_key == business_key,
                        ProcessInstance.status == "running")
                 .order_by(MessageSubscription.created_at, MessageSubscription.id).limit(1))
        if exclude:
            query = query.where(ProcessInstance.id != exclude)
        return s.scalars(query).first()

    def _deliver(self, s, subscription, name: str, variables: dict, user, depth: int = 0) -> ProcessInstance:
        instance = self._instance(s, subscription.instance_id, lock=True)
        workflow = self._load(s, instance)
        step = self.runtime.deliver_message(workflow, subscription.task_id, name, variables)
        self._apply(s, instance, workflow, step, user, depth=depth)
        return instance

    def _dispatch(self, s, sender: ProcessInstance, outgoing, user, depth: int) -> None:
        """A message one instance sent: to the instance of the same customer that has waited for it longest
        (one message, one receiver, as POST /messages), else to a process that a message of that name
        starts (a hand-over), else it just stays in the outbox."""
        if depth >= 5:  # processes handing a customer back and forth; the outbox keeps the message
            log.warning("message %s from %s not dispatched: hand-over chain too long", outgoing.type, sender.id)
            s.add(HistoryEvent(instance_id=sender.id, at=self.now(), type="message_not_dispatched",
                               element_id=outgoing.element_id, name=outgoing.type, user=None,
                               data={"reason": "five processes in a row handed this customer on; stopped here"}))
            return
        variables = outgoing.payload if isinstance(outgoing.payload, dict) else {}
        subscription = self._subscription(s, outgoing.type, sender.business_key, exclude=sender.id)
        if subscription is not None:
            target = s.get(ProcessInstance, subscription.instance_id)
            try:
                self._deliver(s, subscription, outgoing.type, variables, user, depth + 1)
            except EngineError as exc:
                self._fail(s, target, exc, user)
            return
        for definition in self._latest_definitions(s):
            if outgoing.type in (definition.message_starts or []) and definition.process_key != sender.process_key:
                started = self._start(s, definition, sender.business_key, {}, user, depth + 1)
                subscription = self._subscription(s, outgoing.type, sender.business_key, exclude=sender.id)
                if started.status == "running" and subscription is not None:
                    try:
                        self._deliver(s, subscription, outgoing.type, variables, user, depth + 1)
                    except EngineError as exc:
                        self._fail(s, started, exc, user)

    def customer_overview(self, business_key: str, candidate_group: str | None = None,
                          process_key: str | None = None) -> dict:
        """One customer's (a person's or an employer's) cases, open tasks, what was sent and payments made."""
        if "\x00" in business_key:
            raise NotFound(f"no cases with business key {business_key!r}")
        with self.db.read() as s:
            overview = views.customer(s, business_key, candidate_group=candidate_group, process_key=process_key)
        if overview is None:
            raise NotFound(f"no cases with business key '{business_key}'")
        return overview

    def list_outbox(self, business_key=None, recipient=None, type=None, instance_id=None) -> list[dict]:
        with self.db.read() as s:
            return views.outbox(s, business_key=business_key, recipient=recipient, type=type,
                                instance_id=instance_id)

    def health(self) -> dict:
        with self.db.read() as s:
            s.execute(select(1))
        return {"status": "ok", "database": self.db.dialect}

    # -- time ----------------------------------------------------------------------------------------
    def clock_status(self) -> dict:
        return {"now": _helsinki(self.now()), "simulated": self.clock.simulated}

    def advance_clock(self, duration: str | None = None, to: datetime | str | None = None) -> dict:
        """Move a simulated clock, firing every timer due on the way in due order, each at its due time."""
        if not self.clock.movable:
            raise Conflict("the clock follows real time; start the server with --simulated-clock to move it")
        if (duration is None) == (to is None):
            raise BadRequest("give either 'duration' or 'to'", {"duration": "or 'to'", "to": "or 'duration'"})
        start = self.now()
        target = _after(start, duration) if duration is not None else _parse_when(to)
        if target < start:
            raise BadRequest("time never moves backwards", {"to": f"before the current time {_helsinki(start)}"})
        fired: list[dict] = []
        while True:
            upcoming = self._next_due()
            if upcoming is None or upcoming > target:
                break
            if upcoming > self.now():
                self.clock.move_to(upcoming)
            fired.extend(self.fire_due_timers())
        if target > self.now():
            self.clock.move_to(target)
        fired.extend(self.fire_due_timers())
        return {"now": _helsinki(self.now()), "simulated": self.clock.simulated, "fired": fired}

    def fire_due_timers(self, limit: int | None = None) -> list[dict]:
        """Fire timers due now, one at a time in due order, each in its own transaction (exactly once)."""
        fired: list[dict] = []
        while limit is None or len(fired) < limit:
            result = self._fire_next()
            if result is None:
                break
            fired.append(result)
        return fired

    def _fire_next(self) -> dict | None:
        instance_id = None
        try:
            with self.db.unit_of_work() as s:
                query = (select(PendingTimer)
                         .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
                         .where(PendingTimer.due_at <= self.now(), ProcessInstance.status == "running")
                         .order_by(PendingTimer.due_at, PendingTimer.id).limit(1)
                         .with_for_update(of=ProcessInstance, skip_locked=True))
                timer = s.scalars(query).first()
                if timer is None:
                    return None
                instance_id = timer.instance_id
                instance = self._instance(s, instance_id)
                record = {"instance_id": instance.id, "business_key": instance.business_key,
                          "process_key": instance.process_key, "element_id": timer.element_id,
                          "name": timer.name, "due_at": _helsinki(timer.due_at), "fired_at": _helsinki(self.now())}
                workflow = self._load(s, instance)
                try:
                    step = self.runtime.fire_timer(workflow, timer.task_id)
                except LookupError:
                    # The projection names a timer the process no longer waits on: repair, don't block.
                    log.error("dropping stale timer %s of instance %s", timer.element_id, instance.id)
                    s.delete(timer)
                    return {**record, "error": "stale timer dropped"}
                self._apply(s, instance, workflow, step, None)
                return record
        except EngineError as exc:
            self._record_failure(instance_id, exc, None)
            return {"instance_id": instance_id, "error": str(exc)}

    def _next_due(self) -> datetime | None:
        with self.db.read() as s:
            return s.scalar(select(func.min(PendingTimer.due_at))
                            .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
                            .where(ProcessInstance.status == "running"))

    # -- internals -----------------------------------------------------------------------------------
    def _apply(self, s, instance: ProcessInstance, workflow, step: Step, user, status: str | None = None,
               depth: int = 0) -> None:
        """Write the new state and every projection of one step (caller's transaction)."""
        sa_event.listen(s, "after_commit", lambda _session: self._remember(instance.id, instance.revision, workflow),
                     once=True)
        now = self.now()
        instance.state = self.runtime.dump(workflow)
        instance.status = status or step.status
        instance.variables = step.variables
        instance.updated_at = now
        instance.revision = (instance.revision or 0) + 1
        if instance.status in ("completed", "cancelled"):
            instance.ended_at = now
        for event in step.events:
            s.add(HistoryEvent(instance_id=instance.id, at=now, type=event.type, element_id=event.element_id,
                               name=event.name, user=event.user or (user if event.type != "timer_fired" else None),
                               data=event.data))
        open_rows = {t.id: t for t in s.scalars(select(UserTask).where(UserTask.instance_id == instance.id,
                                                                        UserTask.status == "open"))}
        for task in step.open_tasks:
            row = open_rows.pop(task.task_id, None)
            if row is None:
                s.add(UserTask(id=task.task_id, instance_id=instance.id, element_id=task.element_id,
                               name=task.name, candidate_group=task.candidate_group, assignee=None,
                               status="open", due_at=task.due_at, created_at=now, form=task.form,
                               ui_form=task.ui_form, data=task.data, process_key=instance.process_key,
                               business_key=instance.business_key))
            else:
                row.data = task.data
        for row in open_rows.values():
            row.status, row.closed_at = "cancelled", now
        # Timers and subscriptions: keep the rows that still stand, drop the rest, add the new ones.
        timers = {(t.task_id, t.due_at): t for t in step.timers}
        for row in s.scalars(select(PendingTimer).where(PendingTimer.instance_id == instance.id)):
            if timers.pop((row.task_id, row.due_at), None) is None:
                s.delete(row)
        for timer in timers.values():
            s.add(PendingTimer(instance_id=instance.id, task_id=timer.task_id, element_id=timer.element_id,
                               name=timer.name, due_at=timer.due_at))
        subscriptions = {(m.task_id, m.message_name): m for m in step.subscriptions}
        for row in s.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == instance.id)):
            if subscriptions.pop((row.task_id, row.message_name), None) is None:
                s.delete(row)
        for sub in subscriptions.values():
            s.add(MessageSubscription(instance_id=instance.id, task_id=sub.task_id, element_id=sub.element_id,
                                      message_name=sub.message_name, business_key=instance.business_key,
                                      created_at=now))
        for message in step.outgoing:
            s.add(OutboxEntry(instance_id=instance.id, process_key=instance.process_key,
                              business_key=instance.business_key, at=now, type=message.type,
                              recipient=message.recipient, element_id=message.element_id, payload=message.payload))
        s.flush()
        for message in step.outgoing:
            self._dispatch(s, instance, message, user, depth)

    def _fail(self, s, instance: ProcessInstance, exc: EngineError, user) -> None:
        instance.status, instance.error, instance.updated_at = "failed", str(exc), self.now()
        s.add(HistoryEvent(instance_id=instance.id, at=self.now(), type="failed", element_id=exc.element_id,
                           name=None, user=user, data={"error": str(exc)}))

    def _record_failure(self, instance_id: str | None, exc: EngineError, user) -> None:
        """After a failed step rolled back: mark the instance failed (its last good state is kept)."""
        if instance_id is None:
            return
        log.error("process instance %s failed: %s", instance_id, exc)
        with self.db.unit_of_work() as s:
            instance = s.get(ProcessInstance, instance_id, with_for_update=True)
            if instance is not None and instance.status == "running":
                self._fail(s, instance, exc, user)

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
        cached = self._specs.get(definition.id)
        if cached is None:
            files = {name: self._file(s, digest).content for name, digest in definition.files.items()}
            bundle = ProcessBundle(definition.process_key, definition.name, definition.bpmn_file, files)
            cached = parse_bundle(bundle)
            self._specs[definition.id] = cached
            while len(self._specs) > self._spec_cache_size:
                self._specs.popitem(last=False)
        else:
            self._specs.move_to_end(definition.id)
        return cached

    @staticmethod
    def _file(s, digest: str) -> DefinitionFile:
        return s.get(DefinitionFile, digest)

    def _form(self, s, task: UserTask, filename: str | None):
        if not filename:
            return None
        instance = s.get(ProcessInstance, task.instance_id)
        definition = s.get(ProcessDefinition, instance.definition_id)
        digest = definition.files.get(filename)
        return json.loads(self._file(s, digest).content) if digest else None

    @staticmethod
    def _latest_definitions(s) -> list[ProcessDefinition]:
        latest = (select(ProcessDefinition.process_key, func.max(ProcessDefinition.version).label("version"))
                  .group_by(ProcessDefinition.process_key).subquery())
        return list(s.scalars(select(ProcessDefinition).join(
            latest, (ProcessDefinition.process_key == latest.c.process_key)
            & (ProcessDefinition.version == latest.c.version))))

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

    def _open_task(self, s, task_id: str, lock: bool = False) -> UserTask:
        """The open task; with ``lock`` its instance row first, then the task row (one lock order
        everywhere — instance before its projections — so a timer firing on the same instance cannot
        deadlock with a caseworker's action)."""
        task = self._task(s, task_id)
        if lock:
            self._instance(s, task.instance_id, lock=True)
            s.refresh(task, with_for_update=True)
        if task.status != "open":
            raise Conflict(f"task is already {task.status}")
        return task

def evaluate_in_files(files: dict[str, bytes], decision: str, inputs: dict) -> dict:
    """Find a decision by id or name among DMN files and evaluate it: the result and how it came about."""
    from .engine.decisions import decide, load_dmn
    from .engine.dmn import DmnError, to_json

    for name in sorted(files):
        definitions = load_dmn(name, files[name])
        if decision in definitions.decisions or decision in definitions.decisions_by_name:
            try:
                outcome = decide(definitions, decision, inputs)
            except DmnError as exc:
                raise Invalid(f"the decision gives no answer: {exc}",
                              {"rules": exc.rule_ids, "decision": exc.decision_id}) from exc
            trace = outcome.to_json()
            return {"decision_id": outcome.decision_id, "decision": outcome.decision_name, "file": name,
                    "result": to_json(outcome.value), "matched_rules": trace["matched"],
                    "inputs": trace["inputs"], "required_decisions": trace["trace"]}
    raise NotFound(f"no decision '{decision}' is deployed", {"decision": "unknown id or name"})


def _history(instance_id, at, type_, task: UserTask, user) -> HistoryEvent:
    return HistoryEvent(instance_id=instance_id, at=at, type=type_, element_id=task.element_id, name=task.name,
                        user=user, data={"task_id": task.id})


def _parse_when(value) -> datetime:
    if isinstance(value, datetime):
        return engine_clock.as_utc(value)
    try:
        return engine_clock.parse_datetime(str(value))
    except ValueError as exc:
        raise BadRequest("'to' is not an ISO date-time", {"to": str(exc)}) from exc


def _after(start: datetime, duration: str) -> datetime:
    """``start`` plus an ISO 8601 duration, calendar-aware in Finnish time (P1M from 31.1 is 28.2)."""
    try:
        parts = TimerEventDefinition.parse_iso_duration(str(duration))
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception
        raise BadRequest("'duration' is not an ISO 8601 duration such as P1M or PT12H",
                         {"duration": str(exc)}) from exc
    local = start.astimezone(engine_clock.HELSINKI)
    try:
        moved = local + relativedelta(**{k: v for k, v in parts.items()})
    except (OverflowError, ValueError) as exc:
        raise BadRequest("'duration' moves the clock out of the calendar", {"duration": str(exc)}) from exc
    return engine_clock.as_utc(moved.replace(tzinfo=None))
