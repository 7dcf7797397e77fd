"""The simulated clock a tester's server runs on: one time in the database, for every worker, across restarts.

Before, it lived in one process's memory: a restart put it back to `--start`, two workers disagreed,
and 60 concurrent one-week advances moved it 331 days instead of 420.
"""
from __future__ import annotations

import threading
from datetime import datetime

from tests.conftest import DEFINITION_DIRS, FIXTURES
from tests.pages import every
from tva_flow.engine.clock import HELSINKI, FrozenClock, parse_datetime
from tva_flow.service import TvaFlow
from tva_flow.store.clock import StoredClock
from tva_flow.store.db import Database
from tests.identities import SYSTEM

START = "2026-01-05T09:00:00+02:00"


def worker(url: str, start: str | None = START, **options) -> TvaFlow:
    db = Database(url)
    return TvaFlow(db, StoredClock(db, parse_datetime(start) if start else None), **options)


def start_review(service: TvaFlow, key: str, due: str) -> dict:
    return service.start_instance(SYSTEM, "fixture_review", key, {"review_due": due, "divisor": 1})


def test_the_simulated_time_survives_a_restart_and_start_only_sets_a_new_database(database_url):
    first = worker(database_url)
    first.deploy_paths(SYSTEM, [FIXTURES])
    instance = start_review(first, "asiakas", "2026-01-20T12:00:00+02:00")
    assert first.advance_clock(SYSTEM, to="2026-02-01T00:00:00+02:00")["fired"][0]["business_key"] == "asiakas"
    first.db.engine.dispose()

    restarted = worker(database_url)  # the same command line again, --start included
    assert restarted.clock_status(SYSTEM) == {"now": "2026-02-01T00:00:00+02:00", "simulated": True}
    # its review deadline fired once, before the restart, and closed the case; nothing fires it again
    assert restarted.get_instance(SYSTEM, instance["id"])["status"] == "completed"
    assert restarted.advance_clock(SYSTEM, duration="P1D")["now"] == "2026-02-02T00:00:00+02:00"


def test_two_workers_on_one_database_read_the_same_time(database_url):
    one, two = worker(database_url), worker(database_url, start=None)
    one.advance_clock(SYSTEM, duration="P10D")
    assert two.clock_status(SYSTEM)["now"] == "2026-01-15T09:00:00+02:00"
    two.advance_clock(SYSTEM, duration="PT2H")
    assert one.clock_status(SYSTEM)["now"] == "2026-01-15T11:00:00+02:00"


def test_sixty_concurrent_one_week_advances_on_two_workers_move_the_clock_420_days(database_url):
    one, two = worker(database_url), worker(database_url, start=None)
    one.deploy_paths(SYSTEM, [FIXTURES])
    reviews = [start_review(one, f"asiakas-{i}", f"2026-{2 + i:02d}-10T12:00:00+02:00") for i in range(6)]
    errors: list = []

    def advance(service):
        try:
            service.advance_clock(SYSTEM, duration="P7D")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=advance, args=((one, two)[i % 2],)) for i in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert one.clock_status(SYSTEM)["now"] == "2027-03-01T09:00:00+02:00"  # 5.1.2026 + 60 weeks = 420 days
    for review in reviews:  # each deadline on the way fired once, at its own time
        (fired,) = [h for h in every(one.history, SYSTEM, review["id"]) if h["type"] == "timer_fired"]
        assert datetime.fromisoformat(fired["at"]) == datetime.fromisoformat(review["variables"]["review_due"])


def test_an_advance_fires_at_most_its_limit_and_says_it_stopped_early(database_url):
    service = worker(database_url, advance_limit=2)
    service.deploy_paths(SYSTEM, [FIXTURES])
    for day in (7, 8, 9, 12):
        start_review(service, f"asiakas-{day}", f"2026-01-{day:02d}T12:00:00+02:00")
    result = service.advance_clock(SYSTEM, to="2026-02-01T00:00:00+02:00")
    assert [f["business_key"] for f in result["fired"]] == ["asiakas-7", "asiakas-8"]
    assert result["stopped_early"] is True and result["now"] == "2026-01-08T12:00:00+02:00"
    assert result["target"] == "2026-02-01T00:00:00+02:00"
    again = service.advance_clock(SYSTEM, to="2026-02-01T00:00:00+02:00", max_timers=5)  # capped at the server's 2
    assert [f["business_key"] for f in again["fired"]] == ["asiakas-9", "asiakas-12"]
    done = service.advance_clock(SYSTEM, to="2026-02-01T00:00:00+02:00")
    assert done["fired"] == [] and done["stopped_early"] is False and done["now"] == "2026-02-01T00:00:00+02:00"


def test_each_service_reads_its_own_clock_not_a_process_wide_one(make_service, sqlite_url, tmp_path, frozen):
    """Two services in one process: today() in a diagram gives each one's own date."""
    real = make_service(sqlite_url, DEFINITION_DIRS)  # frozen at Mon 5.1.2026
    simulated = worker(f"sqlite:///{tmp_path / 'other.sqlite3'}", start="2027-03-01T10:00:00+02:00")
    simulated.deploy_paths(SYSTEM, DEFINITION_DIRS)
    here = real.start_instance(SYSTEM, "job_seeker_followup", "010190-123A", {"applies_for_benefit": True})
    there = simulated.start_instance(SYSTEM, "job_seeker_followup", "010190-123A", {"applies_for_benefit": True})
    assert here["variables"]["registered_on"] == "2026-01-05"
    assert there["variables"]["registered_on"] == "2027-03-01"
    assert isinstance(real.clock, FrozenClock) and datetime.now(HELSINKI).date().isoformat() == "2026-01-05"
