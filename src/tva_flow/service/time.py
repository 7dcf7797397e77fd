"""Time: the clock, moving a simulated one, and firing due timers exactly once."""
from __future__ import annotations

import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import func, select

from ..auth import policy
from ..auth.actor import Actor
from ..engine import clock as engine_clock
from ..engine.runtime import EngineError, TimerNotDue
from ..errors import BadRequest, Conflict, TooLarge
from ..store.db import lost_race
from ..store.models import PendingTimer, ProcessInstance
from ..views import helsinki as _helsinki
from .core import ENGINE, ServiceCore, retried

log = logging.getLogger(__name__)
_TAKEN = object()  # another worker fired the timer between our look and our lock
_MAX_TAKEN_IN_A_ROW = 100


class Time(ServiceCore):
    def clock_status(self, actor: Actor) -> dict:
        policy.require(actor, "read_clock")
        return {"now": _helsinki(self.now()), "simulated": self.clock.simulated}

    def advance_clock(self, actor: Actor, duration: str | None = None, to: datetime | str | None = None,
                      max_timers: int | None = None) -> dict:
        """Move a simulated clock, firing every timer due on the way in due order, each at its due time.

        Advances take turns (the database's ``clock`` lock): each starts where the previous one left the
        clock, so concurrent advances add up. At most ``max_timers`` (default: the service's
        ``advance_limit``) fire in one call; then the clock stays at the last fired timer's due time and
        the answer says ``stopped_early`` — advance again to go on.
        """
        policy.require(actor, "advance_clock")
        if not self.clock.movable:
            raise Conflict("the clock follows real time; start the server with --simulated-clock to move it")
        if (duration is None) == (to is None):
            raise BadRequest("give either 'duration' or 'to'", {"duration": "or 'to'", "to": "or 'duration'"})
        limit = max(1, min(int(max_timers or self.advance_limit), self.advance_limit))
        with self.db.lock("clock"):
            start = self.clock.read()
            field = "duration" if duration is not None else "to"
            target = _after(start, duration) if duration is not None else parse_when(to)
            if not engine_clock.in_range(target):
                raise BadRequest("the clock stays within the years 1900–2200", {field: "outside 1900–2200"})
            if target < start:
                raise BadRequest("time never moves backwards", {field: f"before the current time {_helsinki(start)}"})
            fired: list[dict] = []
            stopped_early = False
            while True:
                upcoming = self._next_due()
                if upcoming is None or upcoming > target:
                    break
                if len(fired) >= limit:
                    stopped_early = True
                    break
                if upcoming > self.clock.read():
                    self._move_clock(upcoming)
                batch = self.fire_due_timers(limit - len(fired))
                if not batch:  # due, but held by another worker right now: stop rather than spin
                    stopped_early = True
                    break
                fired.extend(batch)
            if not stopped_early:
                if target > self.clock.read():
                    self._move_clock(target)
                fired.extend(self.fire_due_timers(limit - len(fired)))
        return {"now": _helsinki(self.now()), "simulated": self.clock.simulated, "fired": fired,
                "target": _helsinki(target), "stopped_early": stopped_early}

    @retried
    def _move_clock(self, when: datetime) -> None:
        self.clock.move_to(when)

    def fire_due_timers(self, limit: int | None = None) -> list[dict]:
        """Fire timers due now, one at a time in due order, each in its own transaction (exactly once).

        The engine's own work (the scheduler, or a tester's clock advance): the history names no user."""
        fired: list[dict] = []
        taken = 0
        while (limit is None or len(fired) < limit) and taken < _MAX_TAKEN_IN_A_ROW:
            result = self._fire_next()
            if result is None:
                break
            if result is _TAKEN:
                taken += 1
                continue
            taken = 0
            fired.append(result)
        return fired

    @retried
    def _fire_next(self):
        """Fire the earliest due timer of a running instance no other worker holds.

        The instance row is locked (``FOR UPDATE SKIP LOCKED``); then the timer row is read again: if
        another worker fired it meanwhile (it is gone, or a cycle timer's next round is not yet due), this
        worker leaves it alone. Only a timer really due fires, and only once.
        """
        instance_id, record = None, {}
        try:
            with self._write() as s:
                now = self.now()
                candidate = s.execute(
                    select(PendingTimer.id, PendingTimer.instance_id)
                    .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
                    .where(PendingTimer.due_at <= now, ProcessInstance.status == "running")
                    .order_by(PendingTimer.due_at, PendingTimer.id).limit(1)
                    .with_for_update(of=ProcessInstance, skip_locked=True)).first()
                if candidate is None:
                    return None
                instance_id = candidate.instance_id
                timer = s.scalars(select(PendingTimer).where(PendingTimer.id == candidate.id)
                                  .execution_options(populate_existing=True)).first()
                instance = self._instance(s, instance_id)
                if timer is None or timer.due_at > now or instance.status != "running":
                    return _TAKEN
                record = {"instance_id": instance.id, "business_key": instance.business_key,
                          "process_key": instance.process_key, "element_id": timer.element_id,
                          "name": timer.name, "due_at": _helsinki(timer.due_at), "fired_at": _helsinki(now)}
                workflow = self._load(s, instance)
                try:
                    with self._customer_record(s, instance):
                        step = self.runtime.fire_timer(workflow, timer.task_id)
                except TimerNotDue as exc:  # the projection was behind the process: put it right
                    log.warning("timer %s of instance %s is due at %s, not %s", timer.element_id, instance.id,
                                exc.due, timer.due_at)
                    timer.due_at = exc.due
                    return _TAKEN
                except LookupError:
                    # The projection names a timer the process no longer waits on: repair, don't block.
                    log.error("dropping stale timer %s of instance %s", timer.element_id, instance.id)
                    s.delete(timer)
                    return {**record, "error": "stale timer dropped"}
                try:
                    self._apply(s, instance, workflow, step, ENGINE)
                except TooLarge as exc:  # the process itself grew its data past the limit
                    raise EngineError(exc.message, timer.element_id) from exc
                return record
        except EngineError as exc:
            self._record_failure(instance_id, exc, ENGINE)
            return {"instance_id": instance_id, **record, "error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - anything else must not stop every later timer either
            if lost_race(exc) or instance_id is None:
                raise  # retried (see `retried`), or nothing to blame it on
            log.exception("firing a timer of instance %s failed", instance_id)
            failure = EngineError(f"the step failed while being saved: {type(exc).__name__}: "
                                  f"{str(exc).splitlines()[0][:300] if str(exc) else ''}")
            self._record_failure(instance_id, failure, ENGINE)
            return {"instance_id": instance_id, **record, "error": str(failure)}

    def _next_due(self) -> datetime | None:
        with self.db.read() as s:
            return s.scalar(select(func.min(PendingTimer.due_at))
                            .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
                            .where(ProcessInstance.status == "running"))


def parse_when(value, field: str = "to") -> datetime:
    """A client's ISO date-time (or a datetime) in UTC; 400 naming ``field`` if it is not one."""
    if isinstance(value, datetime):
        return engine_clock.as_utc(value)
    try:
        return engine_clock.parse_datetime(str(value))
    except (ValueError, OverflowError) as exc:
        raise BadRequest(f"'{field}' is not an ISO date-time", {field: str(exc)}) from exc


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
        return engine_clock.as_utc(moved.replace(tzinfo=None))
    except (OverflowError, ValueError) as exc:
        raise BadRequest("'duration' moves the clock out of the calendar", {"duration": str(exc)}) from exc
