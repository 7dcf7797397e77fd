"""The store keeps instances safe: one transaction per step, exactly-once timers, migrations.

Each test runs on SQLite and, when TVA_FLOW_TEST_DATABASE_URL is set, on PostgreSQL.
"""
from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from tests.conftest import FIXTURES
from tva_flow import forms
from tva_flow.engine.clock import FrozenClock
from tva_flow.errors import ProcessFailed
from tva_flow.service import TvaFlow
from tva_flow.store import db as store_db
from tva_flow.store.db import Database, make_engine, schema_revision
from tva_flow.store.models import Base, HistoryEvent, PendingTimer
from tests.pages import every
from tests.identities import SYSTEM

DUE = {"review_due": "2026-01-08T16:00:00+02:00", "divisor": 4}


def test_schema_comes_from_migrations_and_matches_the_models(database_url):
    Database(database_url)
    engine = make_engine(database_url)
    assert schema_revision(engine) == "0006"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], "models and migrations disagree; write a migration"


def test_an_older_database_is_upgraded_without_losing_rows(database_url, make_service):
    """A database made by the first migration gets the outbox and keeps its deployed versions."""
    from sqlalchemy import text
    engine = make_engine(database_url)
    store_db.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO process_definitions (process_key, version, name, bpmn_file, bundle_hash, files, deployed_at) "
            "VALUES ('old_process', 1, 'Vanha', 'old.bpmn', 'abc', '{}', :at)"), {"at": "2025-06-01 09:00:00"})
    store_db.upgrade(engine, "head")  # what `serve` and `deploy` do on start-up
    assert schema_revision(engine) == "0006"
    with engine.connect() as conn:
        row = conn.execute(text("SELECT process_key, message_starts FROM process_definitions")).one()
    engine.dispose()
    assert row[0] == "old_process" and row[1] in ([], "[]")
    service = make_service(database_url)
    assert [d["process_key"] for d in every(service.list_definitions, SYSTEM)] == ["old_process"]


def test_an_instance_survives_a_restart_and_continues_where_it_was(database_url, make_service):
    first = make_service(database_url, [FIXTURES])
    started = first.start_instance(SYSTEM, "fixture_review", "010190-123A", DUE)
    task_id = started["open_tasks"][0]["id"]
    first.db.engine.dispose()

    restarted = make_service(database_url)  # new process: empty spec cache, state only from the database
    after = restarted.complete_task(SYSTEM, task_id, {"approved": True, "divisor": 4})
    assert after["message_subscriptions"] == [{"element_id": "wait_employed", "message_name": "employed"}]
    restarted.send_message(SYSTEM, "employed", "010190-123A", {})
    done = restarted.get_instance(SYSTEM, started["id"])
    assert done["status"] == "completed" and done["variables"]["result"] == 25.0


def test_a_failing_step_saves_nothing_of_itself(database_url, make_service):
    service = make_service(database_url, [FIXTURES])
    started = service.start_instance(SYSTEM, "fixture_review", "010190-123A", DUE)
    task_id = started["open_tasks"][0]["id"]
    service.complete_task(SYSTEM, task_id, {"approved": True, "divisor": 0})
    before = every(service.history, SYSTEM, started["id"])
    with pytest.raises(ProcessFailed, match="division by zero"):
        service.send_message(SYSTEM, "employed", "010190-123A", {})
    after = service.get_instance(SYSTEM, started["id"])
    # The step rolled back: the instance keeps its last good state and still waits for the message;
    # the history says which step failed, so the process owner sees it.
    assert after["status"] == "running"
    assert after["message_subscriptions"] == [{"element_id": "wait_employed", "message_name": "employed"}]
    history = every(service.history, SYSTEM, started["id"])
    assert history[: len(before)] == before
    assert [(e["type"], e["element_id"]) for e in history[len(before):]] == [("step_failed", "compute")]


def test_a_crash_while_saving_leaves_the_instance_and_its_timer_as_they_were(database_url, make_service,
                                                                              monkeypatch):
    service = make_service(database_url, [FIXTURES])
    started = service.start_instance(SYSTEM, "fixture_review", "010190-123A", DUE)
    before = service.get_instance(SYSTEM, started["id"])

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_apply", crash)
    with pytest.raises(RuntimeError):
        service.complete_task(SYSTEM, started["open_tasks"][0]["id"], {"approved": True, "divisor": 1})
    monkeypatch.undo()
    assert service.get_instance(SYSTEM, started["id"]) == before
    with service.db.read() as s:
        assert s.scalar(select(func.count()).select_from(PendingTimer)) == 1


def test_two_workers_fire_each_due_timer_exactly_once(database_url, make_service, frozen):
    first = make_service(database_url, [FIXTURES])
    second = TvaFlow(Database(database_url), FrozenClock(frozen))
    ids = [first.start_instance(SYSTEM, "fixture_review", f"0{i}0190-123A", DUE)["id"] for i in range(6)]
    frozen.move_to("2026-01-09T09:00:00+02:00")
    results: list = []

    def work(service):
        results.extend(service.fire_due_timers())

    threads = [threading.Thread(target=work, args=(s,)) for s in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    second.db.engine.dispose()
    assert sorted(r["instance_id"] for r in results) == sorted(ids)
    with first.db.read() as s:
        fired = s.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.type == "timer_fired"))
        assert fired == 6
        assert s.scalar(select(func.count()).select_from(PendingTimer)) == 0
    assert {first.get_instance(SYSTEM, i)["status"] for i in ids} == {"completed"}


def test_the_schema_has_an_index_on_timer_due_dates(database_url):
    Database(database_url)
    engine = make_engine(database_url)
    indexes = inspect(engine).get_indexes("timers")
    engine.dispose()
    assert any(ix["column_names"] == ["due_at"] for ix in indexes)


def test_two_workers_taking_turns_on_one_instance_each_see_the_others_steps(database_url, make_service, frozen):
    first = make_service(database_url, [FIXTURES])
    second = TvaFlow(Database(database_url), FrozenClock(frozen))
    started = first.start_instance(SYSTEM, "fixture_review", "010190-123A", DUE)  # first keeps it in memory
    second.complete_task(SYSTEM, started["open_tasks"][0]["id"], {"approved": True, "divisor": 5})
    # first's in-memory copy is now behind; it must load the newer revision, not reuse its own
    first.send_message(SYSTEM, "employed", "010190-123A", {})
    done = second.get_instance(SYSTEM, started["id"])
    second.db.engine.dispose()
    assert done["status"] == "completed" and done["variables"]["result"] == 20.0


def test_a_caseworker_and_the_timer_loop_on_one_instance_do_not_deadlock(database_url, make_service, frozen, monkeypatch):
    """Completing a task while its boundary timer fires: one waits for the other, neither deadlocks."""
    first = make_service(database_url, [FIXTURES])
    second = TvaFlow(Database(database_url), FrozenClock(frozen))
    started = first.start_instance(SYSTEM, "fixture_review", "010190-123A", DUE)
    task_id = started["open_tasks"][0]["id"]
    frozen.move_to("2026-01-08T16:00:01+02:00")  # the review's boundary timer is due

    task_locked, release = threading.Event(), threading.Event()
    real = forms.field_errors

    def slow_validation(*args, **kwargs):  # runs after complete_task locked the task row
        if threading.current_thread().name == "caseworker":
            task_locked.set()
            release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(forms, "field_errors", slow_validation)
    errors = {}

    def caseworker():
        try:
            first.complete_task(SYSTEM, task_id, {"approved": True, "divisor": 4})
        except Exception as exc:  # noqa: BLE001
            errors["caseworker"] = exc

    def scheduler():
        try:
            second.fire_due_timers()
        except Exception as exc:  # noqa: BLE001
            errors["scheduler"] = exc

    t1 = threading.Thread(target=caseworker, name="caseworker")
    t1.start()
    task_locked.wait(5)
    t2 = threading.Thread(target=scheduler, name="scheduler")
    t2.start()
    time.sleep(1.0)  # the scheduler now holds the instance and waits for the task row
    release.set()
    t1.join(15)
    t2.join(15)
    second.db.engine.dispose()
    assert not any("Deadlock" in type(e).__name__ or "deadlock" in str(e) for e in errors.values()), errors
    # whoever came second was refused cleanly or found nothing to do; exactly one of them decided
    from tva_flow.errors import Conflict
    assert all(isinstance(e, Conflict) for e in errors.values()), errors
    kinds = [h["type"] for h in every(first.history, SYSTEM, started["id"]) if h["element_id"] in ("review", "review_deadline")
             and h["type"] in ("task_completed", "timer_fired")]
    assert len(kinds) == 1, kinds


def test_two_workers_fire_each_round_of_a_repeating_reminder_once_and_never_early(database_url, make_service,
                                                                                   frozen, caplog):
    """Each worker reads the timer row again once it holds the instance: a round another worker just fired
    is left alone, so the next round does not fire an hour early, and nothing is logged as stale."""
    from tests.test_timers import TIMERS
    first = make_service(database_url, [TIMERS])
    second = TvaFlow(Database(database_url), FrozenClock(frozen))
    far = {"a_due": "2026-06-01T12:00:00+03:00", "b_due": "2026-06-01T12:00:00+03:00"}
    ids = [first.start_instance(SYSTEM, "fixture_timers", f"asiakas-{i}", far)["id"] for i in range(60)]
    for moment in ("2026-01-05T10:00:01+02:00", "2026-01-05T11:00:01+02:00"):
        frozen.move_to(moment)
        threads = [threading.Thread(target=service.fire_due_timers) for service in (first, second) * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    second.db.engine.dispose()
    for instance_id in ids:
        rounds = [(h["data"]["due_at"], h["at"]) for h in every(first.history, SYSTEM, instance_id)
                  if h["type"] == "timer_fired" and h["element_id"] == "reminder"]
        assert rounds == [("2026-01-05T10:00:00+02:00", "2026-01-05T10:00:01+02:00"),
                          ("2026-01-05T11:00:00+02:00", "2026-01-05T11:00:01+02:00")]
    assert "stale timer" not in caplog.text
