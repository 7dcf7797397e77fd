"""Time: one clock, moved only on purpose; timers fire one at a time, each at its own due time."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import FIXTURES
from tva_flow.engine import functions
from tva_flow.engine.clock import SystemClock
from tva_flow.errors import BadRequest, Conflict
from tva_flow.service import TvaFlow
from tva_flow.store.db import Database
from tests.pages import every
from tests.identities import SYSTEM


def start(service, business_key, due):
    return service.start_instance(SYSTEM, "fixture_review", business_key, {"review_due": due, "divisor": 1})


def test_advancing_fires_due_timers_in_due_order_each_at_its_own_time(make_service, sqlite_url):
    service = make_service(sqlite_url, [FIXTURES])
    late = start(service, "late", "2026-01-20T12:00:00+02:00")
    early = start(service, "early", "2026-01-07T08:30:00+02:00")
    result = service.advance_clock(SYSTEM, to="2026-02-01T00:00:00+02:00")
    assert [(f["business_key"], f["fired_at"]) for f in result["fired"]] == [
        ("early", "2026-01-07T08:30:00+02:00"), ("late", "2026-01-20T12:00:00+02:00")]
    assert result["now"] == "2026-02-01T00:00:00+02:00"
    for instance in (early, late):
        (fired,) = [h for h in every(service.history, SYSTEM, instance["id"]) if h["type"] == "timer_fired"]
        assert datetime.fromisoformat(fired["at"]) == datetime.fromisoformat(fired["data"]["due_at"])
    assert [h["at"] for h in every(service.history, SYSTEM, early["id"]) if h["type"] == "ended"] == ["2026-01-07T08:30:00+02:00"]


def test_a_timer_not_yet_due_stays_pending(make_service, sqlite_url):
    service = make_service(sqlite_url, [FIXTURES])
    instance = start(service, "x", "2026-01-08T16:00:00+02:00")
    result = service.advance_clock(SYSTEM, to="2026-01-08T15:59:59+02:00")
    assert result["fired"] == []
    assert service.get_instance(SYSTEM, instance["id"])["pending_timers"][0]["due_at"] == "2026-01-08T16:00:00+02:00"
    assert service.advance_clock(SYSTEM, duration="PT1S")["fired"][0]["fired_at"] == "2026-01-08T16:00:00+02:00"


def test_one_month_is_a_calendar_month_in_finnish_time(make_service, sqlite_url, frozen):
    service = make_service(sqlite_url)
    frozen.move_to("2026-01-31T10:00:00+02:00")
    assert service.advance_clock(SYSTEM, duration="P1M")["now"] == "2026-02-28T10:00:00+02:00"
    # across the change to summer time the wall-clock hour is kept
    assert service.advance_clock(SYSTEM, duration="P1M")["now"] == "2026-03-28T10:00:00+02:00"
    assert service.advance_clock(SYSTEM, duration="P1D")["now"] == "2026-03-29T10:00:00+03:00"


def test_time_never_moves_backwards_and_bad_input_is_refused(make_service, sqlite_url):
    service = make_service(sqlite_url)
    with pytest.raises(BadRequest):
        service.advance_clock(SYSTEM, to="2025-12-31T00:00:00+02:00")
    with pytest.raises(BadRequest):
        service.advance_clock(SYSTEM, duration="one month")
    with pytest.raises(BadRequest):
        service.advance_clock(SYSTEM)


def test_a_real_clock_cannot_be_moved(sqlite_url):
    service = TvaFlow(Database(sqlite_url), SystemClock())
    assert service.clock_status(SYSTEM)["simulated"] is False
    with pytest.raises(Conflict):
        service.advance_clock(SYSTEM, duration="P1D")


def test_deadline_helpers_count_in_finnish_dates():
    assert functions.add_months("2026-01-31", 1) == "2026-02-28"
    assert functions.end_of_day("2026-03-31") == "2026-04-01T00:00:00+03:00"  # summer time from 29.3
    assert functions.weekdays_between("2026-01-01", "2026-01-31") == 22
    assert [p["end"] for p in functions.monthly_periods("2026-01-15", 2)] == ["2026-02-14", "2026-03-14"]
