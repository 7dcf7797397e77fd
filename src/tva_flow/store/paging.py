"""Keyset paging: a page costs the same at the first row and at the millionth.

A list is ordered by a few columns ending in a unique one (e.g. ``due_at, id``). A page is the first
``limit`` rows after the cursor; the cursor is the last row's values, opaque to the client
(base64url of JSON). Each list's filter and order are served by one index (migration 0003).

A nullable first order column (a task's due date) sorts its nulls last: the rows with a value come
first, in order, then the rows without one, by the remaining columns.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, literal, tuple_

from ..engine.clock import EARLIEST, LATEST
from ..errors import BadRequest
from .models import UTCDateTime

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def _encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, columns: list) -> list:
    """The key values a cursor carries, each of its column's type, or 400: a cursor is never trusted."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError("wrong shape")
        return [_value(column, value) for column, value in zip(columns, raw)]
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError) as exc:
        raise BadRequest("the cursor is not one this list gave", {"cursor": f"not a cursor of this list ({exc})"}) \
            from None


def _value(column, value):
    if value is None:
        if not column.expression.nullable:
            raise ValueError("a null key")
        return None
    if isinstance(column.type, UTCDateTime):
        when = datetime.fromisoformat(value)
        if when.tzinfo is None or not EARLIEST <= when <= LATEST:
            raise ValueError("not a time of this list")
        return when
    if isinstance(column.type, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2 ** 63:
            raise ValueError("not a number of this list")
        return value
    if not isinstance(value, str) or len(value) > 255:
        raise ValueError("not a key of this list")
    return value


def _after(columns: list, values: list):
    # each value bound with its column's type (a tuple does not pass the types on: SQLite keeps times as text)
    typed = [literal(v, type_=c.type) for c, v in zip(columns, values)]
    return tuple_(*columns) > tuple_(*typed) if len(columns) > 1 else columns[0] > typed[0]


def keyset(session, query, columns: list, limit: int = DEFAULT_LIMIT, cursor: str | None = None,
           nulls_last: bool = False) -> Page:
    """The page of ``query`` (a select of ORM rows, filtered, not yet ordered) after ``cursor``.

    ``columns`` are the order, ending in a unique column; with ``nulls_last`` the first may be null.
    """
    limit = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))
    values = _decode(cursor, columns) if cursor else None
    first, rest = columns[0], columns[1:]
    if not nulls_last:
        ordered = query.order_by(*columns)
        if values is not None:
            ordered = ordered.where(_after(columns, values))
        rows = list(session.scalars(ordered.limit(limit + 1)))
        return _page(rows, limit, columns)
    rows: list = []
    if values is None or values[0] is not None:  # the rows with a value in the first column, in order
        valued = query.where(first.is_not(None)).order_by(*columns)
        if values is not None:
            valued = valued.where(_after(columns, values))
        rows = list(session.scalars(valued.limit(limit + 1)))
    if len(rows) <= limit:  # then the rows without one
        unvalued = query.where(first.is_(None)).order_by(*rest)
        if values is not None and values[0] is None:
            unvalued = unvalued.where(_after(rest, values[1:]))
        rows += list(session.scalars(unvalued.limit(limit + 1 - len(rows))))
    return _page(rows, limit, columns)


def _page(rows: list, limit: int, columns: list) -> Page:
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], _encode([getattr(last, c.key) for c in columns]))


def conditions(pairs) -> list:
    """``column == value`` for each pair whose value is given (a list filter's optional parameters)."""
    return [column == value for column, value in pairs if value is not None and value != ""]
