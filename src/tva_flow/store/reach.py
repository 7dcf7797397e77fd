"""An actor's :class:`~tva_flow.auth.policy.Reach` as a SQL condition, so lists are filtered in the query
itself (never after loading)."""
from __future__ import annotations

from sqlalchemy import and_, false, or_, true

from ..auth.policy import Reach


def condition(reach: Reach, area, customer, group=None):
    """The WHERE clause for the rows of a table whose area, business key (and candidate group) columns
    are given."""
    if reach.everything:
        return true()
    clauses = []
    for term in reach.terms:
        parts = []
        if term.areas is not None:
            parts.append(area.in_(sorted(term.areas)))
        if term.customers is not None:
            parts.append(customer.in_(sorted(term.customers)))
        if term.groups is not None:
            parts.append(group.in_(sorted(term.groups)) if group is not None else false())
        clauses.append(and_(*parts) if parts else true())
    return or_(*clauses) if clauses else false()
