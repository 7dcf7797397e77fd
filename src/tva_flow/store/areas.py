"""Cases from before areas existed: give them one area, in one transaction."""
from __future__ import annotations

from sqlalchemy import update

from .models import MessageSubscription, OutboxEntry, ProcessInstance, UserTask

AREA_TABLES = (ProcessInstance, UserTask, OutboxEntry, MessageSubscription)


def assign_default_area(db, area: str) -> dict[str, int]:
    """Set ``area`` on every row of the area-bearing tables that has none; the counts per table."""
    counts: dict[str, int] = {}
    with db.unit_of_work() as session:
        for model in AREA_TABLES:
            result = session.execute(update(model).where(model.area.is_(None)).values(area=area)
                                     .execution_options(synchronize_session=False))
            counts[model.__tablename__] = result.rowcount
    return counts
