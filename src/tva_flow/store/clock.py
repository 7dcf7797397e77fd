"""The simulated clock, kept in the database: every worker reads the same time, and it survives restarts."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import select, update

from ..engine.clock import HELSINKI, Clock, as_utc
from .db import Database
from .models import ClockRow

log = logging.getLogger(__name__)
ROW = 1


class StoredClock(Clock):
    """A simulated clock whose time is one row of the database.

    :meth:`read` asks the database (a unit of work pins it once per step, see ``Clock.moment``);
    :meth:`move_to` moves it forward only. Concurrent advances are serialized by the service with the
    database's ``clock`` lock, so each one starts from where the previous one left the clock.
    """

    simulated = True
    movable = True

    def __init__(self, db: Database, start: datetime | None = None):
        super().__init__()
        self.db = db
        self._initialise(as_utc(start) if start else None)

    def _initialise(self, start: datetime | None) -> None:
        with self.db.lock("clock"), self.db.unit_of_work() as s:
            row = s.get(ClockRow, ROW)
            if row is None:
                now = start or datetime.now(timezone.utc)
                s.add(ClockRow(id=ROW, now=now, updated_at=datetime.now(timezone.utc)))
            elif start is not None and start != row.now:
                log.warning("the simulated clock of this database stands at %s; --start %s is ignored "
                            "(move it with POST /api/v1/clock/advance)", row.now.astimezone(HELSINKI).isoformat(),
                            start.astimezone(HELSINKI).isoformat())

    def read(self) -> datetime:
        with self.db.read() as s:
            return s.scalar(select(ClockRow.now).where(ClockRow.id == ROW))

    def move_to(self, when: datetime) -> None:
        when = as_utc(when)
        with self.db.unit_of_work() as s:
            moved = s.execute(update(ClockRow).where(ClockRow.id == ROW, ClockRow.now <= when)
                              .values(now=when, updated_at=datetime.now(timezone.utc))).rowcount
        if not moved:
            raise ValueError("time never moves backwards")


def stored_clock_exists(db: Database) -> bool:
    """Whether this database runs on a simulated clock (a real-time server must not drive it)."""
    with db.read() as s:
        return s.get(ClockRow, ROW) is not None
