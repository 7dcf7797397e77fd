"""Timers as the law counts time: none lost, none doubled, days are Finnish calendar days."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.conftest import FIXTURES
from tests.pages import every
from tests.identities import SYSTEM

TIMERS = Path(__file__).parent / "fixtures" / "timers"


def start(service, **variables):
    defaults = {"a_due": "2026-03-02T12:00:00+02:00", "b_due": "2026-03-02T12:00:00+02:00"}
    return service.start_instance(SYSTEM, "fixture_timers", "010190-123A", {**defaults, **variables})


def fired(service, instance_id):
    return [(h["element_id"], h["at"]) for h in every(service.history, SYSTEM, instance_id) if h["type"] == "timer_fired"]


def test_two_timers_due_at_the_same_instant_both_fire_when_the_loop_comes_late(make_service, sqlite_url, frozen):
    service = make_service(sqlite_url, [TIMERS])
    instance = start(service)
    frozen.move_to("2026-03-02T12:00:03+02:00")  # the scheduler's tick comes 3 s after they all fell due
    service.fire_due_timers()
    assert {e for e, _ in fired(service, instance["id"])} >= {"timer_a", "timer_b"}
    assert service.get_instance(SYSTEM, instance["id"])["pending_timers"] == []


def test_a_timer_that_fell_due_during_another_step_is_not_lost(make_service, sqlite_url, frozen):
    service = make_service(sqlite_url, [TIMERS])
    instance = start(service, a_due="2026-01-05T09:00:01+02:00", b_due="2026-02-01T00:00:00+02:00")
    frozen.move_to("2026-01-05T09:00:02+02:00")  # A is due; before any tick a caseworker acts
    (note,) = every(service.list_tasks, SYSTEM, instance_id=instance["id"])
    service.complete_task(SYSTEM, note["id"], {"text": "ok"})
    assert "timer_a" in [e for e, _ in fired(service, instance["id"])]
    assert "timer_a" not in [t["element_id"] for t in service.get_instance(SYSTEM, instance["id"])["pending_timers"]]


def test_a_day_is_a_calendar_day_across_the_change_to_summer_time(make_service, sqlite_url, frozen):
    service = make_service(sqlite_url, [TIMERS])
    frozen.move_to("2026-03-28T12:00:00+02:00")  # Saturday; clocks go forward on Sunday 29.3 at 03:00
    instance = start(service, a_due="2026-04-30T00:00:00+03:00", b_due="2026-04-30T00:00:00+03:00")
    timers = {t["element_id"]: t["due_at"] for t in service.get_instance(SYSTEM, instance["id"])["pending_timers"]}
    assert timers["after_a_day"] == "2026-03-29T12:00:00+03:00"


def test_a_time_without_zone_is_finnish_time_whatever_the_host(make_service, sqlite_url):
    service = make_service(sqlite_url, [TIMERS])
    instance = start(service, a_due="2026-03-02T12:00:00")
    timers = {t["element_id"]: t["due_at"] for t in service.get_instance(SYSTEM, instance["id"])["pending_timers"]}
    assert timers["timer_a"] == "2026-03-02T12:00:00+02:00"


def test_a_repeating_reminder_fires_each_time_then_stops(make_service, sqlite_url):
    service = make_service(sqlite_url, [TIMERS])
    instance = start(service)
    service.advance_clock(SYSTEM, to="2026-01-05T12:30:00+02:00")
    reminders = [at for e, at in fired(service, instance["id"]) if e == "reminder"]
    assert reminders == ["2026-01-05T10:00:00+02:00", "2026-01-05T11:00:00+02:00"]
    assert "reminder" not in [t["element_id"] for t in service.get_instance(SYSTEM, instance["id"])["pending_timers"]]


def test_a_stale_timer_row_is_dropped_instead_of_blocking_the_loop(make_service, sqlite_url, frozen):
    from tva_flow.store.models import PendingTimer
    service = make_service(sqlite_url, [FIXTURES])
    instance = service.start_instance(SYSTEM, "fixture_review", "x", {"review_due": "2026-01-08T16:00:00+02:00",
                                                               "divisor": 1})
    with service.db.unit_of_work() as s:
        s.add(PendingTimer(instance_id=instance["id"], task_id="00000000-0000-0000-0000-000000000000",
                           element_id="ghost", name="ghost", due_at=datetime.fromisoformat("2026-01-06T00:00:00+02:00")))
    result = service.advance_clock(SYSTEM, to="2026-01-09T00:00:00+02:00")
    assert [f["element_id"] for f in result["fired"]] == ["ghost", "review_deadline"]
    assert service.get_instance(SYSTEM, instance["id"])["status"] == "completed"


def test_waiting_for_whichever_comes_first_a_date_or_a_message(make_service, sqlite_url):
    service = make_service(sqlite_url, [TIMERS])
    by_date = service.start_instance(SYSTEM, "fixture_event_gateway", "a", {"due": "2026-04-05T00:00:00+03:00"})
    by_message = service.start_instance(SYSTEM, "fixture_event_gateway", "b", {"due": "2026-04-05T00:00:00+03:00"})
    waiting = service.get_instance(SYSTEM, by_date["id"])
    assert waiting["pending_timers"] == [{"element_id": "next_discussion_due", "name": "Keskustelu erääntyy",
                                          "due_at": "2026-04-05T00:00:00+03:00"}]
    assert waiting["message_subscriptions"] == [{"element_id": "unemployment_ending", "message_name": "unemployment_ends"}]

    service.send_message(SYSTEM, "unemployment_ends", "b", {"end_date": "2026-03-01"})
    after_message = service.get_instance(SYSTEM, by_message["id"])
    assert after_message["status"] == "completed" and after_message["pending_timers"] == []
    assert after_message["variables"]["end_date"] == "2026-03-01"  # the message's variables joined the data
    assert [h["element_id"] for h in every(service.history, SYSTEM, by_message["id"]) if h["type"] == "end_event"] == ["eg_by_message"]

    fired = service.advance_clock(SYSTEM, to="2026-04-06T00:00:00+03:00")["fired"]
    assert [(f["business_key"], f["fired_at"]) for f in fired] == [("a", "2026-04-05T00:00:00+03:00")]
    assert [h["type"] for h in every(service.history, SYSTEM, by_date["id"]) if h["element_id"] == "first_of"][-1] == "timer_fired"
    assert [h["element_id"] for h in every(service.history, SYSTEM, by_date["id"]) if h["type"] == "end_event"] == ["eg_by_date"]


def test_a_timer_step_that_fails_in_saving_fails_its_instance_and_the_others_still_fire(
        make_service, sqlite_url, monkeypatch):
    """One bad instance must not stop every timer behind it: the queue moves on."""
    service = make_service(sqlite_url, [FIXTURES])
    broken = service.start_instance(SYSTEM, "fixture_review", "010190-123A", {"review_due": "2026-01-06T12:00:00+02:00",
                                                                       "divisor": 1})
    healthy = service.start_instance(SYSTEM, "fixture_review", "020290-123A", {"review_due": "2026-01-07T12:00:00+02:00",
                                                                        "divisor": 1})
    real_apply = type(service)._apply

    def apply(self, s, instance, *args, **kwargs):
        if instance.id == broken["id"]:
            raise RuntimeError("disk full")  # a fault that is neither a lost race nor the process's own
        return real_apply(self, s, instance, *args, **kwargs)

    monkeypatch.setattr(type(service), "_apply", apply)
    result = service.advance_clock(SYSTEM, to="2026-01-08T00:00:00+02:00")
    assert [(f["business_key"], "error" in f) for f in result["fired"]] == [("010190-123A", True),
                                                                            ("020290-123A", False)]
    failed = service.get_instance(SYSTEM, broken["id"])
    assert failed["status"] == "failed" and "disk full" in failed["error"]
    assert service.get_instance(SYSTEM, healthy["id"])["status"] == "completed"
