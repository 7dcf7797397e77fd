"""An instance's saved state keeps each large piece of process data once, however many tasks carry it.

SpiffWorkflow gives every task its own copy of the process data; saved as it is, a 1 MB attachment
made 5-9 MB of state that every step rewrote.
"""
from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tva_flow.store.models import ProcessInstance
from tests.identities import SYSTEM

DUE = "2026-01-08T16:00:00+02:00"


def attachment(kilobytes: int) -> dict:
    return {"rows": [{"n": i, "selite": "liite " + "x" * 90} for i in range(kilobytes * 1024 // 120)]}


def saved_state(service, instance_id: str) -> str:
    with service.db.read() as s:
        return s.get(ProcessInstance, instance_id).state


def test_a_large_attachment_is_saved_once_however_many_tasks_carry_it(make_service, sqlite_url):
    service = make_service(sqlite_url, [FIXTURES])
    liite = attachment(500)
    size = len(json.dumps(liite))
    started = service.start_instance(SYSTEM, "fixture_review", "010190-123A", {"review_due": DUE, "divisor": 4,
                                                                        "liite": liite})
    service.complete_task(SYSTEM, started["open_tasks"][0]["id"], {"approved": True, "divisor": 4})
    state = saved_state(service, started["id"])
    assert len(state) < 1.2 * size  # one copy (and a little bookkeeping), not one per task
    assert state.count('"liite ') == len(liite["rows"])


def test_the_pooled_state_restores_every_task_its_own_data(make_service, sqlite_url):
    first = make_service(sqlite_url, [FIXTURES])
    liite = attachment(50)
    started = first.start_instance(SYSTEM, "fixture_review", "010190-123A", {"review_due": DUE, "divisor": 4,
                                                                      "liite": liite})
    first.complete_task(SYSTEM, started["open_tasks"][0]["id"], {"approved": True, "divisor": 4})
    first.db.engine.dispose()
    restarted = make_service(sqlite_url)  # nothing cached: the workflow comes from the saved state alone
    restarted.send_message(SYSTEM, "employed", "010190-123A", {"liite_lisays": "toinen"})
    done = restarted.get_instance(SYSTEM, started["id"])
    assert done["status"] == "completed" and done["variables"]["result"] == 25.0
    assert done["variables"]["liite"] == liite and done["variables"]["liite_lisays"] == "toinen"
