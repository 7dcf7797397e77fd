"""Who may do what, and which records they reach. Every use case asks here and nowhere else.

Two questions:
- :func:`require` — may this actor do this kind of thing at all (by role)? If not: 403.
- :func:`reach` / :func:`acting_role` — which records: a caseworker's areas and groups, a customer's own
  business keys and lanes. A record out of reach answers 404, so its existence does not leak. Lists
  are filtered by the :class:`Reach` in the query itself (see :mod:`tva_flow.store.reach`).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Forbidden
from .actor import (AUDITOR, CASEWORKER, CUSTOMER, CUSTOMER_LANES, INTEGRATION, PROCESS_OWNER, ROLES, SYSTEM,
                    TESTER, Actor)

# action -> the roles that may do it (first listed wins when an actor holds several)
PERMITS: dict[str, tuple[str, ...]] = {
    "deploy": (PROCESS_OWNER,),
    "read_definitions": (PROCESS_OWNER, CASEWORKER, TESTER, AUDITOR),
    "evaluate_decision": (PROCESS_OWNER, TESTER, CASEWORKER),
    "start_instance": (CASEWORKER, TESTER, INTEGRATION, CUSTOMER),
    "read_instances": (CASEWORKER, TESTER, CUSTOMER),
    "cancel_instance": (CASEWORKER, TESTER),
    "read_tasks": (CASEWORKER, TESTER, CUSTOMER),
    "work_on_tasks": (CASEWORKER, CUSTOMER),  # claim, release, complete
    "send_message": (INTEGRATION, TESTER),
    "read_subscriptions": (INTEGRATION, TESTER, CASEWORKER),
    "read_outbox": (INTEGRATION, CASEWORKER, TESTER, CUSTOMER),
    "read_customer": (CASEWORKER, TESTER, CUSTOMER),
    "read_clock": ROLES,
    "advance_clock": (TESTER,),
    "read_audit": (AUDITOR,),
    "read_own_audit": (CUSTOMER,),
}


def permits(actor: Actor, action: str) -> bool:
    """Whether any role of ``actor`` may do ``action`` at all (what :func:`require` checks, without raising)."""
    return SYSTEM in actor.roles or any(role in actor.roles for role in PERMITS[action])


def require(actor: Actor, action: str) -> str:
    """The role ``actor`` acts in for ``action``; 403 if none of their roles permits it."""
    roles = PERMITS[action]
    if SYSTEM in actor.roles:
        return SYSTEM
    for role in roles:
        if role in actor.roles:
            return role
    raise Forbidden(f"'{action.replace('_', ' ')}' needs one of the roles {', '.join(roles)}")


@dataclass(frozen=True)
class Term:
    """Records matching every constraint given (None = no constraint on that column)."""

    areas: frozenset[str] | None = None
    customers: frozenset[str] | None = None
    groups: frozenset[str] | None = None


@dataclass(frozen=True)
class Reach:
    """The records an actor reaches: those matching any term; ``everything`` for the engine itself."""

    terms: tuple[Term, ...] = ()
    everything: bool = False


def reach(actor: Actor, action: str, tasks: bool = False) -> Reach:
    """What ``actor`` reaches for ``action``: the union over the roles that permit it. With ``tasks``,
    caseworkers reach only their groups' tasks and customers only the customer lanes."""
    if SYSTEM in actor.roles:
        return Reach(everything=True)
    terms = tuple(_term(actor, role, tasks) for role in PERMITS[action] if role in actor.roles)
    if any(term == Term() for term in terms):  # a role without bounds: every record
        return Reach(everything=True)
    return Reach(terms)


def acting_role(actor: Actor, action: str, area: str | None, customer: str | None,
                group: str | None = None, tasks: bool = False) -> str | None:
    """The role in which ``actor`` reaches this record for ``action`` (None: out of reach)."""
    if SYSTEM in actor.roles:
        return SYSTEM
    return next((role for role in PERMITS[action]
                 if role in actor.roles and _matches(_term(actor, role, tasks), area, customer, group)), None)


def _term(actor: Actor, role: str, tasks: bool) -> Term:
    """The records one role of ``actor`` reaches."""
    if role == CUSTOMER:
        return Term(customers=actor.customers, groups=CUSTOMER_LANES if tasks else None)
    areas = None if actor.every_area else actor.areas
    return Term(areas=areas, groups=actor.groups if role == CASEWORKER and tasks else None)


def _matches(t: Term, area, customer, group) -> bool:
    return ((t.areas is None or area in t.areas) and (t.customers is None or customer in t.customers)
            and (t.groups is None or group in t.groups))
