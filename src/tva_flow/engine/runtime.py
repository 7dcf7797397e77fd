"""Run one process instance with SpiffWorkflow and read off what the store projects.

The runtime is stateless: every call takes a workflow, changes it, and reports what happened as plain
records (:class:`Step`) — history events plus the instance's current open user tasks, pending timers and
message subscriptions. The service saves the serialised workflow and those records in one transaction.
"""
from __future__ import annotations

import json
import time
from copy import deepcopy
from datetime import datetime, timedelta, timezone
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition, TimerEventDefinition)
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from . import records

from . import clock
from .decisions import TRACE_KEY
from .definitions import FORM_PROPERTY, UI_FORM_PROPERTY
from .expressions import DUE_PROPERTY
from .functions import EXPRESSION_FUNCTIONS
from .state import StateSerializer
from .steps import Event, OpenTask, Outgoing, Step, Subscription, Timer  # noqa: F401 - Event for callers
from .sandbox import SandboxEnvironment


class EngineError(Exception):
    """A step failed inside the process (script, expression, decision); nothing of it is kept."""

    def __init__(self, message: str, element_id: str | None = None):
        self.element_id = element_id
        super().__init__(message)


MAX_TASKS_PER_STEP = 2_000   # automatic tasks one step may run before it must wait for something
MAX_STEP_SECONDS = 20.0      # wall-clock time of one step's automatic tasks


class _Runaway(Exception):
    def __init__(self, task, message: str):
        self.task = task
        super().__init__(message)


def _wall() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)  # freezegun leaves this one alone


class TimerNotDue(LookupError):
    """The timer is still waiting for a later time (its projection was behind); nothing fired."""

    def __init__(self, due: datetime):
        self.due = due
        super().__init__(f"not due before {due.isoformat()}")


def _awaited(task) -> list[tuple]:
    """(definition, event drawn for it) of each event a waiting task waits for: its own, or each catch event
    after an event-based gateway — SpiffWorkflow keeps their definitions on the gateway, in the order of its
    outputs — so a timer there is "Suunnitelman uusiminen", not the gateway "Odotetaan"."""
    definition = _event_definition(task)
    if isinstance(definition, MultipleEventDefinition):
        return list(zip(definition.event_definitions, task.task_spec.outputs))
    return [(definition, task.task_spec)] if definition is not None else []


def _recipient(payload):
    return payload.get("recipient") if isinstance(payload, dict) else None


def _throws(task) -> bool:
    """Whether the task sends its event (throw events, send tasks, end events) rather than waits for it."""
    kind = type(task.task_spec).__name__
    return "Throw" in kind or kind in ("SendTask", "EndEvent")


def _is_user_task(task) -> bool:
    return type(task.task_spec).__name__ == "UserTask"


def _event_definition(task):
    return getattr(task.task_spec, "event_definition", None)


def _json_safe(value):
    return json.loads(json.dumps(value, default=str))


class Runtime:
    def __init__(self, engine_clock: clock.Clock | None = None):
        clock.patch_spiff_timers()
        self.clock = engine_clock or clock.SystemClock()  # current while a step runs (clock.using)
        self.script_engine = PythonScriptEngine(environment=SandboxEnvironment(dict(EXPRESSION_FUNCTIONS)))
        self.state = StateSerializer()

    # -- state ---------------------------------------------------------------------------------------
    def dump(self, workflow: BpmnWorkflow) -> str:
        """The saved state: compacted, without the spec, each large value once (see :mod:`.state`)."""
        return self.state.dump(workflow)

    def load(self, state: str, spec, subprocess_specs) -> BpmnWorkflow:
        workflow = self.state.load(state, spec, subprocess_specs)
        workflow.script_engine = self.script_engine
        return workflow

    @staticmethod
    def active_elements(workflow: BpmnWorkflow) -> set[tuple[str, str]]:
        """The elements a case is at, as (process id, element id): its waiting tasks and events, and the
        (called) subprocesses they are in."""
        states = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        return {(t.workflow.spec.name, t.task_spec.bpmn_id) for t in workflow.get_tasks(state=states)
                if t.task_spec.bpmn_id}

    # -- steps ---------------------------------------------------------------------------------------
    def start(self, spec, subprocess_specs, variables: dict) -> tuple[BpmnWorkflow, Step]:
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        workflow.data.update(deepcopy(variables))
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(deepcopy(variables))
        step = self._advance(workflow, [Event("started", spec.name, spec.description or spec.name,
                                              data=_json_safe(variables))], lambda: None)
        return workflow, step

    def complete_user_task(self, workflow, task_id: str, data: dict, user: str) -> Step:
        task = self._task(workflow, task_id)
        if task is None or not task.has_state(TaskState.READY) or not _is_user_task(task):
            raise LookupError(task_id)

        def act():
            task.data.update(deepcopy(data))
            task.run()

        event = Event("task_completed", task.task_spec.bpmn_id, task.task_spec.bpmn_name,
                      data=_json_safe(data), user=user)
        return self._advance(workflow, [event], act)

    def fire_timer(self, workflow, task_id: str) -> Step:
        """Fire one waiting timer now (the clock stands at its due time)."""
        task = self._task(workflow, task_id)
        if task is None or not task.has_state(TaskState.WAITING):
            raise LookupError(task_id)
        due = _timer_due(task)
        if due is not None and due > self.clock.now():
            raise TimerNotDue(due)
        definition = _event_definition(task)

        def act():
            if isinstance(definition, CycleTimerEventDefinition):
                # SpiffWorkflow starts a cycle when its "next" is strictly past; step it back a tick,
                # let the cycle run once, and put the following due time back where it belongs.
                value = task._get_internal_data("event_value")
                tick = timedelta(microseconds=1)
                value["next"] = (datetime.fromisoformat(value["next"]) - tick).isoformat()
                task.task_spec._update(task)
                value = task._get_internal_data("event_value")
                if isinstance(value, dict) and value.get("cycles") != 0 and "next" in value:
                    value["next"] = (datetime.fromisoformat(value["next"]) + tick).isoformat()
                    task._set_internal_data(event_value=value)
            else:
                task._set_internal_data(event_fired=True)
                task.task_spec._update(task)

        events = []
        if isinstance(definition, CycleTimerEventDefinition):  # the waiting task stays; each round is an event
            events.append(Event("timer_fired", task.task_spec.bpmn_id, task.task_spec.bpmn_name,
                                data={"due_at": _iso(_timer_due(task))}))
        return self._advance(workflow, events, act)

    def deliver_message(self, workflow, task_id: str, name: str, variables: dict) -> Step:
        task = self._task(workflow, task_id)
        awaited = [d for d, _ in (_awaited(task) if task else []) if isinstance(d, MessageEventDefinition)]
        definition = next((d for d in awaited if d.name == name), None)
        if definition is None or not task.has_state(TaskState.WAITING):
            raise LookupError(task_id)

        def act():
            workflow.catch(BpmnEvent(definition, payload=deepcopy(variables)))
            if getattr(definition, "message_var", None) is None and isinstance(variables, dict):
                task.data.update(deepcopy(variables))  # no messageVariable: the variables join the process data

        step = self._advance(workflow, [], act)
        for event in step.events:
            if event.type == "message_received" and event.element_id == task.task_spec.bpmn_id:
                event.data = {"message": name, "variables": _json_safe(variables)}
        return step

    def cancel(self, workflow) -> Step:
        step = self._advance(workflow, [], workflow.cancel)
        step.status = "cancelled"
        return step

    # -- internals -----------------------------------------------------------------------------------
    @staticmethod
    def _task(workflow, task_id: str):
        try:
            return workflow.get_task_from_id(UUID(str(task_id)))
        except Exception:  # noqa: BLE001 - unknown id in any form
            return None

    @staticmethod
    def _ready_user_tasks(workflow) -> dict:
        return {t.id: t for t in workflow.get_tasks(state=TaskState.READY) if _is_user_task(t)}

    def _advance(self, workflow, events, act) -> Step:
        with clock.using(self.clock):
            return self._advance_now(workflow, events, act)

    def _advance_now(self, workflow, events, act) -> Step:
        open_before = self._ready_user_tasks(workflow)
        step = Step(events=list(events))

        data_before: dict = {}

        outbound_before: dict = {}  # task id -> how many messages had gone out before it ran
        sent_by: dict[int, str] = {}  # id(event) -> element that threw it (nothing inside caught it)

        def will_complete(task):
            if type(task.task_spec).__name__ == "ScriptTask":
                data_before[task.id] = deepcopy(task.data)
            outbound_before[task.id] = len(workflow.bpmn_events)

        done, deadline = [0], _wall() + MAX_STEP_SECONDS

        def completed(task):
            done[0] += 1
            if done[0] > MAX_TASKS_PER_STEP or _wall() > deadline:  # a loop that never waits
                raise _Runaway(task, f"the process ran {done[0]} tasks in one step without coming to rest "
                                     f"(at most {MAX_TASKS_PER_STEP:,} tasks and {MAX_STEP_SECONDS:g} s): "
                                     "an endless loop?")
            if getattr(task.task_spec, "bpmn_id", None) is not None:
                event = self._completed_event(task)
                if task.id in data_before:  # what a script set: the history shows computed values
                    old = data_before.pop(task.id)
                    event.data = {**(event.data or {}), "set": _json_safe(
                        {k: v for k, v in task.data.items() if k not in old or old[k] != v})}
                step.events.append(event)
            # A message this task threw that nothing in the instance caught went out: record it here, in
            # its place in the history, and remember who sent it for the outbox.
            for thrown in workflow.bpmn_events[outbound_before.pop(task.id, len(workflow.bpmn_events)):]:
                if isinstance(thrown.event_definition, MessageEventDefinition):
                    sent_by[id(thrown)] = task.task_spec.bpmn_id
                    step.events.append(Event("message_sent", task.task_spec.bpmn_id, thrown.event_definition.name,
                                             data={"type": thrown.event_definition.name,
                                                   "recipient": _recipient(thrown.payload)}))

        try:
            act()
            # SpiffWorkflow's last act in a pass is to refresh timers: one already past due becomes READY
            # but is not run in that pass. Run until nothing automatic is ready, or it would be lost.
            for _ in range(10_000):
                workflow.do_engine_steps(will_complete_task=will_complete, did_complete_task=completed)
                if not any(not t.task_spec.manual for t in workflow.get_tasks(state=TaskState.READY)):
                    break
            else:
                raise RuntimeError("the process does not come to rest (an endless loop of automatic steps?)")
        except Exception as exc:  # SpiffWorkflow raises many kinds; all mean the step failed
            task = getattr(exc, "task", None)
            raise EngineError(_describe(exc), task.task_spec.bpmn_id if task is not None else None) from exc
        for event in workflow.get_events():
            definition = event.event_definition
            if not isinstance(definition, MessageEventDefinition):
                continue
            payload = _json_safe(event.payload) if event.payload is not None else None
            recipient, sender = _recipient(payload), sent_by.get(id(event))
            if recipient is not None and (not isinstance(recipient, str) or len(recipient) > 255):
                raise EngineError(f"the recipient of message '{definition.name}' must be a text of at most 255 "
                                  "characters", sender)
            step.outgoing.append(Outgoing(definition.name, recipient, payload, sender))
        open_after = self._ready_user_tasks(workflow)
        for task_id, task in open_before.items():
            if task_id not in open_after and not task.has_state(TaskState.COMPLETED):
                step.events.append(Event("task_cancelled", task.task_spec.bpmn_id, task.task_spec.bpmn_name,
                                         data={"task_id": str(task_id)}))
        for task_id, task in open_after.items():
            if task_id not in open_before:
                step.events.append(Event("task_created", task.task_spec.bpmn_id, task.task_spec.bpmn_name,
                                         data={"task_id": str(task_id), "candidate_group": _lane(task)}))
        self._project(workflow, step, open_after)
        step.records = records.recorded()
        return step

    def _completed_event(self, task) -> Event:
        spec = task.task_spec
        definition = _event_definition(task)
        if isinstance(definition, MultipleEventDefinition):  # e.g. an event-based gateway: what came first
            seen = task.internal_data.get("seen_events") or []
            definition = seen[0].event_definition if seen else definition
        kind = type(spec).__name__
        if isinstance(definition, CycleTimerEventDefinition):  # its rounds were recorded as they fired
            return Event("step_completed", spec.bpmn_id, spec.bpmn_name, data={"type": "cycle timer ended"})
        if isinstance(definition, TimerEventDefinition):
            return Event("timer_fired", spec.bpmn_id, spec.bpmn_name,
                         data={"due_at": _iso(_timer_due(task))})
        if isinstance(definition, MessageEventDefinition) and not _throws(task):
            return Event("message_received", spec.bpmn_id, spec.bpmn_name, data={"message": definition.name})
        if kind == "BusinessRuleTask":
            trace = task.internal_data.pop(TRACE_KEY, None) or {}
            return Event("decision_evaluated", spec.bpmn_id, spec.bpmn_name, data={
                "decision_id": trace.get("decision_id"), "decision": trace.get("decision_name"),
                "hit_policy": trace.get("hit_policy"), "inputs": trace.get("inputs"),
                "matched_rules": trace.get("matched"), "outputs": trace.get("variables"),
                "required_decisions": trace.get("trace")})
        if kind == "EndEvent" and task.workflow is task.workflow.top_workflow:
            return Event("end_event", spec.bpmn_id, spec.bpmn_name)
        return Event("step_completed", spec.bpmn_id, spec.bpmn_name, data={"type": kind})

    def _project(self, workflow, step: Step, open_tasks: dict) -> None:
        if workflow.completed:
            step.status = "completed"
            if not any(e.type == "ended" for e in step.events):
                step.events.append(Event("ended", workflow.spec.name, workflow.spec.description))
        step.variables = _json_safe(workflow.data | _last_data(workflow))
        if workflow.completed:
            return
        step.open_tasks = [self._open_task(task) for task in open_tasks.values()]
        for task in workflow.get_tasks(state=TaskState.WAITING):
            for definition, event in _awaited(task):
                if isinstance(definition, TimerEventDefinition):
                    due = _timer_due(task)
                    if due is not None:
                        step.timers.append(Timer(str(task.id), event.bpmn_id, event.bpmn_name or definition.name, due))
                elif isinstance(definition, MessageEventDefinition):
                    step.subscriptions.append(Subscription(str(task.id), event.bpmn_id, definition.name))

    def _open_task(self, task) -> OpenTask:
        spec = task.task_spec
        props = (getattr(spec, "extensions", None) or {}).get("properties", {})
        due_at = None
        if props.get(DUE_PROPERTY):
            try:
                due_at = clock.parse_datetime(str(self.script_engine.evaluate(task, props[DUE_PROPERTY])))
            except Exception as exc:  # noqa: BLE001
                raise EngineError(f"due date of '{spec.bpmn_id}': {_describe(exc)}", spec.bpmn_id) from exc
        return OpenTask(str(task.id), spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, _lane(task),
                        props.get(FORM_PROPERTY), props.get(UI_FORM_PROPERTY), due_at, _json_safe(task.data))


def _lane(task):
    """A task's lane: its own lane entry, else the lane of the subprocess that holds it."""
    workflow = task.workflow
    lanes = getattr(workflow.top_workflow.spec, "lanes_by_element", {})
    while True:
        if task.task_spec.bpmn_id in lanes:
            return lanes[task.task_spec.bpmn_id]
        parent_id = getattr(workflow, "parent_task_id", None)
        if parent_id is None:
            return None
        task = workflow.top_workflow.get_task_from_id(parent_id)
        workflow = task.workflow


def _last_data(workflow) -> dict:
    """The process variables now: the data the current top-level tokens carry (or the final data)."""
    merged: dict = {}
    live = [t for t in workflow.get_tasks_iterator() if t.workflow is workflow
            and t.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED)]
    for task in live or ([workflow.last_task] if workflow.last_task is not None else []):
        merged.update(task.data)
    return merged


def _timer_due(task) -> datetime | None:
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(_event_definition(task), CycleTimerEventDefinition):
        value = value.get("next") if isinstance(value, dict) else None
        if value is None:
            return None
    return TimerEventDefinition.get_datetime(value) if isinstance(value, str) else value.astimezone(timezone.utc)


def _iso(value: datetime | None) -> str | None:
    """Finnish time, like every other time the history shows."""
    return value.astimezone(clock.HELSINKI).isoformat() if value else None


def _describe(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.split("\n")[0]
