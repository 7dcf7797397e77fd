"""The audit trail of personal data: who read or changed whose data, when, in which role and area.

Rows are written by every use case that touches a customer's data (see ``ServiceCore._audit``), in the
same transaction as the change. Here they are read: by an auditor for their areas, by a customer for
their own data. Reading the trail is itself recorded.
"""
from __future__ import annotations

from datetime import datetime

from .. import views
from ..auth import policy
from ..auth.actor import Actor
from ..engine import clock as engine_clock
from ..errors import BadRequest
from .core import ServiceCore, retried


class Audit(ServiceCore):
    @retried
    def list_audit(self, actor: Actor, customer=None, subject=None, since=None, until=None, limit=None,
                   cursor=None) -> dict:
        """Audit rows of the auditor's areas (every area with ``*``), filtered by customer, subject and a
        time window [since, until), oldest first, paged."""
        role = policy.require(actor, "read_audit")
        since, until = _when(since, "from"), _when(until, "to")
        with self._audited() as s:
            page = views.audit(s, None if actor.every_area else actor.areas, customer=customer, subject=subject,
                               since=since, until=until, limit=limit, cursor=cursor)
            self._audit(s, actor, role, "read_audit", customer=customer)
            return page

    @retried
    def my_audit(self, actor: Actor, limit=None, cursor=None) -> dict:
        """Who has read or changed the calling customer's own data."""
        role = policy.require(actor, "read_own_audit")
        with self._audited() as s:
            page = views.audit(s, None, customers=actor.customers, limit=limit, cursor=cursor)
            for customer in sorted(actor.customers):
                self._audit(s, actor, role, "read_own_audit", customer=customer)
            return page


def _when(value, field: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return engine_clock.as_utc(value) if value is not None else None
    try:
        return engine_clock.parse_datetime(str(value))
    except (ValueError, OverflowError) as exc:
        raise BadRequest(f"'{field}' is not an ISO date-time", {field: str(exc)}) from exc
