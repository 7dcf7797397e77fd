"""A message a process sends to another customer's case (its payload names the ``business_key``) reaches that
case only within the sender's area: a process of Helsinki cannot move a Vantaa customer's case on."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.identities import AREA, OTHER_AREA, SYSTEM
from tests.identities import tester as a_tester
from tva_flow.service import TvaFlow
from tva_flow.store.db import Database

FIXTURES = Path(__file__).parent / "fixtures" / "routing"


@pytest.fixture
def routing(tmp_path) -> TvaFlow:
    service = TvaFlow(Database(f"sqlite:///{tmp_path / 'routing.sqlite3'}"))
    service.deploy_paths(SYSTEM, [FIXTURES])
    return service


@pytest.mark.parametrize("receiver_area, delivered", [(AREA, True), (OTHER_AREA, False)])
def test_a_named_customer_s_case_is_reached_only_in_the_sender_s_area(routing, receiver_area, delivered):
    receiver = routing.start_instance(a_tester(area=receiver_area), "routing_receiver", "020202-222B", area=receiver_area)
    routing.start_instance(a_tester(), "routing_sender", "1234567-8", {"target": "020202-222B"}, area=AREA)
    status = routing.get_instance(SYSTEM, receiver["id"])["status"]
    assert status == ("completed" if delivered else "running")
    (sent,) = routing.list_outbox(SYSTEM, type="ping")["items"]
    assert (sent["business_key"], sent["payload"]["business_key"]) == ("1234567-8", "020202-222B")
