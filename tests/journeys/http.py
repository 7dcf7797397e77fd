"""What an HTTP client of the task API does in the journeys: check answers, find, fill and complete tasks.

People act signed in as themselves (:func:`tests.identities.sign_in`): an applicant or an employer as a
customer of their own cases, a caseworker as a caseworker of area A in group asiantuntija.
"""
from __future__ import annotations

import jsonschema
from tests.identities import sign_in
from tests.pages import every_page

API = "/api/v1"


def ok(response, status: int = 200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def start(client, process_key: str, business_key: str, user: str, variables: dict | None = None,
          **where) -> dict:
    """``user`` signs in and starts the case; ``where`` is its ``area`` or ``municipality``."""
    return ok(sign_in(client, user).post(f"{API}/process-instances", json={
        "process_key": process_key, "business_key": business_key, "variables": variables or {}, **where}), 201)


def open_task(client, instance_id: str, element_id: str) -> dict:
    tasks = every_page(client, f"{API}/tasks", {"instance_id": instance_id})
    found = [t for t in tasks if t["element_id"] == element_id]
    assert found, f"no open {element_id}: {[t['element_id'] for t in tasks]}"
    return found[0]


def fill(client, instance_id: str, element_id: str, user: str, data: dict, group: str | None = None) -> dict:
    """``user`` signs in, finds the task among theirs, fetches its form, checks the data against it as a form
    UI would, claims it (becoming its assignee) and completes it."""
    who = sign_in(client, user)
    task = ok(who.get(f"{API}/tasks/{open_task(who, instance_id, element_id)['id']}"))
    if group is not None:
        assert task["candidate_group"] == group
    jsonschema.validate(data, task["form"]["schema"], format_checker=jsonschema.FormatChecker())
    assert task["form"]["ui_schema"], "every form has a UI schema"
    assert ok(who.post(f"{API}/tasks/{task['id']}/claim"))["assignee"] == user
    return ok(who.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}))


def advance(client, to: str) -> list[dict]:
    return ok(client.post(f"{API}/clock/advance", json={"to": to}))["fired"]


def state(client, instance_id: str) -> tuple:
    return (ok(client.get(f"{API}/process-instances/{instance_id}")),
            every_page(client, f"{API}/process-instances/{instance_id}/history"))
