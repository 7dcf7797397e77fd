"""Time: the clock, moving a simulated one, and firing due timers exactly once."""
from __future__ import annotations

import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import func, select

from ..engine import clock as engine_clock
from ..engine.runtime import EngineError
from ..errors import BadRequest, Conflict
from ..store.models import PendingTimer, ProcessInstance
from ..views import helsinki as _helsinki
from .core import ServiceCore

log = logging.getLogger(__name__)


class Time(ServiceCore):
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

