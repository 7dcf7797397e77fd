"""The outbox: what processes send outside, written with the step; hand-overs start the receiving process."""
from __future__ import annotations

from pathlib import Path

import pytest

from tva_flow.api import create_app
from tva_flow.errors import ProcessFailed
from tests.pages import every, every_page
from tests.identities import AREA, SYSTEM, staff

MESSAGING = Path(__file__).parent / "fixtures" / "messaging"


def test_a_statement_goes_to_the_outbox_a_waiting_process_gets_its_message_and_a_handover_starts_a_process(
        make_service, sqlite_url):
    service = make_service(sqlite_url, [MESSAGING])
    waiter = service.start_instance(SYSTEM, "fixture_waiter", "010190-123A", {})
    sender = service.start_instance(SYSTEM, "fixture_sender", "010190-123A", {"days": 7})
    assert sender["status"] == "completed"

    outbox = every(service.list_outbox, SYSTEM, business_key="010190-123A")
    assert [(o["type"], o["recipient"], o["date"]) for o in outbox] == [
        ("statement", "kela", "2026-01-05"), ("ping", "fixture_waiter", "2026-01-05"),
        ("fixture_handover", "fixture_receiver", "2026-01-05")]
    assert outbox[0]["payload"] == {"recipient": "kela", "days": 7}
    assert outbox[0]["element_id"] == "send_statement" and outbox[2]["element_id"] == "hand_over"
    # the waiting process of the same customer got the ping …
    assert service.get_instance(SYSTEM, waiter["id"])["status"] == "completed"
    # … and the hand-over started the receiving process for the same customer
    (receiver,) = every(service.list_instances, SYSTEM, process_key="fixture_receiver", business_key="010190-123A")
    (task,) = every(service.list_tasks, SYSTEM, instance_id=receiver["id"])
    assert task["element_id"] == "take_over"
    sent = [h for h in every(service.history, SYSTEM, sender["id"]) if h["type"] == "message_sent"]
    assert [h["name"] for h in sent] == ["statement", "ping", "fixture_handover"]


def test_the_outbox_is_filtered_and_served_over_http(make_service, sqlite_url):
    service = make_service(sqlite_url, [MESSAGING])
    service.start_instance(SYSTEM, "fixture_sender", "010190-123A", {"days": 7}, area=AREA)
    service.start_instance(SYSTEM, "fixture_sender", "020290-123A", {"days": 14}, area=AREA)
    client = staff(create_app(service))
    kela = every_page(client, "/api/v1/outbox", {"recipient": "kela"})
    assert [(o["business_key"], o["payload"]["days"]) for o in kela] == [("010190-123A", 7), ("020290-123A", 14)]
    handovers = every_page(client, "/api/v1/outbox", {"type": "fixture_handover",
                                                           "business_key": "020290-123A"})
    assert len(handovers) == 1
    assert client.get("/api/v1/outbox", query_string={"to": "kela"}).status_code == 400


def test_a_failing_step_sends_nothing(make_service, sqlite_url):
    service = make_service(sqlite_url, [MESSAGING])
    with pytest.raises(ProcessFailed, match="days"):  # 'days' missing: the payload fails
        service.start_instance(SYSTEM, "fixture_sender", "010190-123A", {})
    assert every(service.list_outbox, SYSTEM, business_key="010190-123A") == []
    assert every(service.list_instances, SYSTEM) == []


def test_a_customer_overview_lists_cases_open_tasks_and_what_was_sent(make_service, sqlite_url):
    service = make_service(sqlite_url, [MESSAGING])
    service.start_instance(SYSTEM, "fixture_sender", "1234567-8", {"days": 3}, area=AREA)
    client = staff(create_app(service))
    overview = client.get("/api/v1/customers/1234567-8").json
    assert sorted(i["process_key"] for i in overview["instances"]) == ["fixture_receiver", "fixture_sender"]
    assert [t["element_id"] for t in overview["open_tasks"]] == ["take_over"]
    assert [o["type"] for o in overview["outbox"]] == ["statement", "ping", "fixture_handover"]
    assert overview["payments"] == []
    only_sender = client.get("/api/v1/customers/1234567-8", query_string={"process_key": "fixture_sender"}).json
    assert only_sender["open_tasks"] == [] and len(only_sender["outbox"]) == 3
    assert client.get("/api/v1/customers/9999999-9").status_code == 404


def test_the_outbox_names_the_element_that_sent_it_when_the_same_message_is_caught_inside_first(
        make_service, sqlite_url):
    service = make_service(sqlite_url, [MESSAGING])
    instance = service.start_instance(SYSTEM, "fixture_pairing", "010190-123A", {})
    assert instance["status"] == "completed"
    outbox = every(service.list_outbox, SYSTEM, business_key="010190-123A")
    assert [(o["element_id"], o["payload"]) for o in outbox] == [("throw_second", {"n": 2})]
    sent = [h for h in every(service.history, SYSTEM, instance["id"]) if h["type"] == "message_sent"]
    assert [h["element_id"] for h in sent] == ["throw_second"]
    types = [h["type"] for h in every(service.history, SYSTEM, instance["id"])]
    assert types.index("message_sent") < types.index("ended")  # in its place, not after the end
