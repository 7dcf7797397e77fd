"""What an HTTP client of the task API does in the journeys: check answers, find, fill and complete tasks."""
from __future__ import annotations

import jsonschema
from tests.pages import every_page

API = "/api/v1"


def ok(response, status: int = 200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def open_task(client, instance_id: str, element_id: str) -> dict:
    tasks = every_page(client, f"{API}/tasks", {"instance_id": instance_id})
    found = [t for t in tasks if t["element_id"] == element_id]
    assert found, f"no open {element_id}: {[t['element_id'] for t in tasks]}"
    return found[0]


def fill(client, instance_id: str, element_id: str, user: str, data: dict, group: str | None = None) -> dict:
    """Fetch the task's form, check the data against it as a form UI would, claim, complete."""
    task = ok(client.get(f"{API}/tasks/{open_task(client, instance_id, element_id)['id']}"))
    if group is not None:
        assert task["candidate_group"] == group
    jsonschema.validate(data, task["form"]["schema"], format_checker=jsonschema.FormatChecker())
    assert task["form"]["ui_schema"], "every form has a UI schema"
    ok(client.post(f"{API}/tasks/{task['id']}/claim", json={"user": user}))
    return ok(client.post(f"{API}/tasks/{task['id']}/complete", json={"user": user, "data": data}))


def advance(client, to: str) -> list[dict]:
    return ok(client.post(f"{API}/clock/advance", json={"to": to}))["fired"]


def state(client, instance_id: str) -> tuple:
    return (ok(client.get(f"{API}/process-instances/{instance_id}")),
            every_page(client, f"{API}/process-instances/{instance_id}/history"))
