"""The engine's clock: one object, injected, that everything asking "what time is it" asks.

The service owns a :class:`Clock` and hands it to the runtime; the runtime makes it *current* while it
runs a step (:func:`using`), and everything inside that step — SpiffWorkflow's timer code, the expression
functions ``today()``/``now()``, FEEL's ``today()`` — reads :func:`current`. Nothing is installed
globally: two services with two clocks in one process each see their own.

* :class:`SystemClock` follows ``datetime.now`` — and therefore freezegun in tests.
* ``tva_flow.store.clock.StoredClock`` (the server's simulated clock) moves only when told to; its time
  is a row of the database, which all workers share and which survives restarts.
* :class:`FrozenClock` wraps a freezegun ``freeze_time`` handle so tests move time through the same
  ``advance`` code path as the simulated server.

:meth:`Clock.moment` pins the time for one unit of work, so a step's history, deadlines and timers all
carry the same instant and a stored clock is read once per step, not once per question.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

HELSINKI = ZoneInfo("Europe/Helsinki")
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=timezone.utc), datetime(2200, 12, 31, tzinfo=timezone.utc)


class Clock(ABC):
    simulated = False
    movable = False

    def __init__(self):
        self._pinned: ContextVar[datetime | None] = ContextVar(f"tva_flow_pinned_{id(self)}", default=None)

    @abstractmethod
    def read(self) -> datetime:
        """The current time from the source (timezone-aware)."""

    def now(self) -> datetime:
        pinned = self._pinned.get()
        return pinned if pinned is not None else self.read()

    @contextmanager
    def moment(self):
        """Within the block, :meth:`now` answers one instant (read once); nested blocks keep the outer one."""
        if self._pinned.get() is not None:
            yield self._pinned.get()
            return
        token = self._pinned.set(self.read())
        try:
            yield self._pinned.get()
        finally:
            self._pinned.reset(token)

    def move_to(self, when: datetime) -> None:
        raise RuntimeError("this clock follows the wall clock; start the server with --simulated-clock")

    def today(self) -> date:
        """Today's date in Finland — the date the law's day-based deadlines are counted in."""
        return self.now().astimezone(HELSINKI).date()


class SystemClock(Clock):
    def read(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock(Clock):
    """A clock driven by a freezegun ``freeze_time(...)`` handle (tests)."""

    simulated = True
    movable = True

    def __init__(self, frozen):
        super().__init__()
        self._frozen = frozen

    def read(self) -> datetime:
        return datetime.now(timezone.utc)

    def move_to(self, when: datetime) -> None:
        when = as_utc(when)
        if when < self.read():
            raise ValueError("time never moves backwards")
        self._frozen.move_to(when)


_SYSTEM = SystemClock()
_current: ContextVar[Clock | None] = ContextVar("tva_flow_clock", default=None)


@contextmanager
def using(clock: Clock):
    """Make ``clock`` the one a step reads (SpiffWorkflow's timers, expression and FEEL functions)."""
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


def current() -> Clock:
    """The clock of the step being run; outside a step (a bare ``tva-flow decide``), real time."""
    return _current.get() or _SYSTEM


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=HELSINKI)
    return value.astimezone(timezone.utc)


def parse_datetime(text: str) -> datetime:
    """ISO date-time; a naive value is read as Finnish time, a bare date as 00:00 Finnish time."""
    value = datetime.fromisoformat(text)
    return as_utc(value)


def in_range(value: datetime) -> bool:
    """Whether a time lies in the years the engine keeps (1900–2200): what a clock may be moved to."""
    return EARLIEST <= value <= LATEST


class _EngineDatetime(datetime):
    """``datetime`` whose ``now`` reads the current engine clock; SpiffWorkflow's timer module uses it."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102
        value = current().now()
        return value.astimezone(tz) if tz else value.astimezone(HELSINKI).replace(tzinfo=None)


def _calendar_timedelta(parsed_duration: dict, start: datetime | None = None):
    """How long an ISO duration lasts from ``start``, counted on the Finnish calendar.

    P1D from Saturday 12:00 is Sunday 12:00 even across the change to summer time, and P1M from 31.1 is
    28.2 — as a person reading the deadline would count it.
    """
    start = as_utc(start) if start else current().now()
    parts = dict(parsed_duration)
    local = start.astimezone(HELSINKI)
    wall = local.replace(tzinfo=None) + relativedelta(**parts)
    return as_utc(wall) - start if parts.keys() & {"years", "months", "weeks", "days"} else timedelta(
        **{k: v for k, v in parts.items()})


def _spiff_datetime(expression: str) -> datetime:
    """A timer's date-time: naive values are Finnish time (never the host's time zone)."""
    return parse_datetime(str(expression))


def patch_spiff_timers() -> None:
    """Point SpiffWorkflow's timer module at the current engine clock and the Finnish calendar (once)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    if timer.datetime is not _EngineDatetime:
        timer.datetime = _EngineDatetime
        timer.TimerEventDefinition.get_datetime = staticmethod(_spiff_datetime)
        timer.TimerEventDefinition.get_timedelta_from_start = staticmethod(_calendar_timedelta)
