"""One clock for the whole engine.

Everything that asks "what time is it" — timers, due dates, history stamps, expression functions such
as ``today()`` — asks :func:`now`. The active clock is process-wide because SpiffWorkflow's timer
code reads the time itself; :func:`install` points it at ours (see ``_patch_spiff_timers``).

* :class:`SystemClock` follows ``datetime.now`` — and therefore freezegun in tests.
* :class:`SimulatedClock` never follows the wall clock; it moves only when told to (testers' server).
* :class:`FrozenClock` wraps a freezegun ``freeze_time`` handle so tests move time through the same
  ``advance`` code path as the simulated server.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


class Clock(ABC):
    simulated = False
    movable = False

    @abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware."""

    def move_to(self, when: datetime) -> None:
        raise RuntimeError("this clock follows the wall clock; start the server with --simulated-clock")


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class SimulatedClock(Clock):
    simulated = True
    movable = True

    def __init__(self, start: datetime | None = None):
        self._now = as_utc(start) if start else datetime.now(timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def move_to(self, when: datetime) -> None:
        when = as_utc(when)
        with self._lock:
            if when < self._now:
                raise ValueError("time never moves backwards")
            self._now = when


class FrozenClock(Clock):
    """A clock driven by a freezegun ``freeze_time(...)`` handle (tests)."""

    simulated = True
    movable = True

    def __init__(self, frozen):
        self._frozen = frozen

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def move_to(self, when: datetime) -> None:
        when = as_utc(when)
        if when < self.now():
            raise ValueError("time never moves backwards")
        self._frozen.move_to(when)


_active: Clock = SystemClock()


def install(clock: Clock) -> Clock:
    global _active
    _active = clock
    _patch_spiff_timers()
    return clock


def active() -> Clock:
    return _active


def now() -> datetime:
    """The engine's current time, timezone-aware (UTC)."""
    return _active.now()


def today() -> date:
    """Today's date in Finland — the date the law's day-based deadlines are counted in."""
    return now().astimezone(HELSINKI).date()


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=HELSINKI)
    return value.astimezone(timezone.utc)


def parse_datetime(text: str) -> datetime:
    """ISO date-time; a naive value is read as Finnish time, a bare date as 00:00 Finnish time."""
    value = datetime.fromisoformat(text)
    return as_utc(value)


class _EngineDatetime(datetime):
    """``datetime`` whose ``now`` reads the engine clock; SpiffWorkflow's timer module uses it."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102
        value = _active.now()
        return value.astimezone(tz) if tz else value.astimezone(HELSINKI).replace(tzinfo=None)


def _calendar_timedelta(parsed_duration: dict, start: datetime | None = None):
    """How long an ISO duration lasts from ``start``, counted on the Finnish calendar.

    P1D from Saturday 12:00 is Sunday 12:00 even across the change to summer time, and P1M from 31.1 is
    28.2 — as a person reading the deadline would count it.
    """
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    start = as_utc(start) if start else now()
    parts = dict(parsed_duration)
    local = start.astimezone(HELSINKI)
    wall = local.replace(tzinfo=None) + relativedelta(**parts)
    return as_utc(wall) - start if parts.keys() & {"years", "months", "weeks", "days"} else timedelta(
        **{k: v for k, v in parts.items()})


def _spiff_datetime(expression: str) -> datetime:
    """A timer's date-time: naive values are Finnish time (never the host's time zone)."""
    return parse_datetime(str(expression))


def _patch_spiff_timers() -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    if timer.datetime is not _EngineDatetime:
        timer.datetime = _EngineDatetime
        timer.TimerEventDefinition.get_datetime = staticmethod(_spiff_datetime)
        timer.TimerEventDefinition.get_timedelta_from_start = staticmethod(_calendar_timedelta)
