"""The customer record: failures counted per person across cases, written with the step that recorded
them (a BPMN data store, `engine/records.py`)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from tva_flow.errors import ProcessFailed
from tva_flow.store.models import CustomerEvent
from tests.identities import AREA, SYSTEM

RECORD = Path(__file__).parent / "fixtures" / "record"
PERSON = "010190-123A"


@pytest.fixture
def service(make_service, sqlite_url):
    return make_service(sqlite_url, [RECORD])


def fail_on(service, day: str, person: str = PERSON) -> dict:
    return service.start_instance(SYSTEM, "fixture_record", person, {"failure_date": day}, area=AREA)


def test_a_failure_in_a_second_case_within_12_months_is_the_persons_second(service):
    first = fail_on(service, "2026-03-10")
    second = fail_on(service, "2026-09-01")  # another case of the same person
    assert first["variables"]["failure_number"] == 1
    assert second["variables"]["failure_number"] == 2
    assert fail_on(service, "2026-09-01", person="020202-222B")["variables"]["failure_number"] == 1


def test_a_failure_more_than_12_months_after_the_earlier_ones_starts_the_count_again(service):
    fail_on(service, "2026-03-10")
    assert fail_on(service, "2027-03-11")["variables"]["failure_number"] == 1


def test_each_recorded_event_names_its_case_and_is_kept_append_only(service):
    first = fail_on(service, "2026-03-10")
    with service.db.read() as s:
        [row] = s.scalars(select(CustomerEvent)).all()
        assert (row.business_key, row.kind, row.date, row.instance_id, row.area) == (
            PERSON, "failure", "2026-03-10", first["id"], AREA)
        assert row.data["failure"] == "no_show"
    with service.db.engine.connect() as conn:
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("DELETE FROM customer_events"))


def test_a_step_that_fails_records_nothing(service):
    with pytest.raises(ProcessFailed):
        fail_on(service, "not a date")  # the record refuses an event without an ISO date
    with service.db.read() as s:
        assert s.scalars(select(CustomerEvent)).all() == []
