"""The routes about people: who the caller is, and the audit trail of who read or changed whose data."""
from __future__ import annotations

from marshmallow import RAISE

from . import schemas as s
from .routes import MALFORMED_QUERY, PREFIX, Blueprint, actor, refusals, service

audit = Blueprint("audit", __name__, url_prefix=PREFIX,
                  description="Who read or changed whose data: for auditors, and for customers about themselves")


@audit.route("/audit", endpoint="list_audit")
@audit.arguments(s.AuditQuery, location="query", unknown=RAISE)
@audit.response(200, s.AuditPage)
@refusals(r400="A malformed query (a bad date-time, a cursor this list did not give)")
def list_audit(query):
    """Who read or changed whose data

    For auditors: the append-only audit trail of their areas — every read or change of a customer's data
    (when, who, in which role, which area, whose data, which case, what, the result) — filtered by
    `customer`, `subject` and the window [`from`, `to`), oldest first, paged.
    """
    return service().list_audit(actor(), **query)


@audit.route("/me/audit", endpoint="my_audit")
@audit.arguments(s.PageQuery, location="query", unknown=RAISE)
@audit.response(200, s.AuditPage)
@refusals(r400=MALFORMED_QUERY)
def my_audit(query):
    """Who has read my data

    For customers: the audit rows about their own data, oldest first, paged.
    """
    return service().my_audit(actor(), **query)


@audit.route("/me", endpoint="me")
@audit.response(200, s.ActorSchema)
@refusals()
def me():
    """Who am I

    The caller as the server sees them: subject, roles, candidate groups, areas, customers, rights.
    """
    return actor().as_dict()
