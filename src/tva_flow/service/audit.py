"""The audit trail of personal data: who read or changed whose data, when, in which role and area.

Rows are written by every use case that touches a customer's data (see ``ServiceCore._audit``), in the
same transaction as the change. Here they are read: by an auditor for their areas, by a customer for
their own data. Reading the trail is itself recorded.
"""
from __future__ import annotations

from .. import views
from ..auth import policy
from ..auth.actor import Actor
from .core import ServiceCore, retried
from .time import parse_when


class Audit(ServiceCore):
    @retried
    def list_audit(self, actor: Actor, customer=None, subject=None, since=None, until=None, limit=None,
                   cursor=None) -> dict:
        """Audit rows of the auditor's areas (every area with ``*``), filtered by customer, subject and a
        time window [since, until), oldest first, paged."""
        role = policy.require(actor, "read_audit")
        since = parse_when(since, "from") if since is not None else None
        until = parse_when(until, "to") if until is not None else None
        with self._audited(read_only=True) as s:
            page = views.audit(s, policy.reach(actor, "read_audit"), customer=customer, subject=subject,
                               since=since, until=until, limit=limit, cursor=cursor)
            self._audit(s, actor, role, "read_audit", customer=customer)
            return page

    @retried
    def my_audit(self, actor: Actor, limit=None, cursor=None) -> dict:
        """Who has read or changed the calling customer's own data."""
        role = policy.require(actor, "read_own_audit")
        with self._audited(read_only=True) as s:
            page = views.audit(s, policy.reach(actor, "read_own_audit"), limit=limit, cursor=cursor)
            for customer in sorted(actor.customers):
                self._audit(s, actor, role, "read_own_audit", customer=customer)
            return page

