"""Lists are pages: `limit` (default 50, at most 500) and a keyset `cursor`, `{items, next_cursor}`.

A caseworker's inbox of 1,000 open reviews is walked page by page in due-date order, every task once,
even while colleagues complete tasks between the pages.
"""
from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.pages import every_page
from tva_flow.api import create_app
from tests.identities import AREA, SYSTEM, staff

API = "/api/v1"


def due(i: int) -> str:
    """1,000 deadlines over 20 days in February, 50 on each day (so equal due dates are common)."""
    return f"2026-02-{1 + i % 20:02d}T16:00:00+02:00"


@pytest.fixture
def inbox(make_service, database_url):
    service = make_service(database_url, [FIXTURES])
    for i in range(1000):
        service.start_instance(SYSTEM, "fixture_review", f"asiakas-{i:04d}", {"review_due": due(i), "divisor": 1},
                               area=AREA)
    return service, staff(create_app(service))  # a caseworker of the area, in the reviews' group


def walk(client, **query) -> list[dict]:
    items, cursor, pages = [], None, 0
    while True:
        page = client.get(f"{API}/tasks", query_string={**query, **({"cursor": cursor} if cursor else {})}).json
        items += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages


def test_an_inbox_of_1000_tasks_pages_by_due_date_each_task_once(inbox):
    service, client = inbox
    first = client.get(f"{API}/tasks", query_string={"candidate_group": "asiantuntija"}).json
    assert len(first["items"]) == 50 and first["next_cursor"]  # the default page
    assert all(t["due_date"] == "2026-02-01" for t in first["items"])  # the soonest deadlines first

    tasks, pages = walk(client, candidate_group="asiantuntija", limit=100)
    assert pages == 10 and len(tasks) == 1000 and len({t["id"] for t in tasks}) == 1000
    keys = [(t["due_at"], t["id"]) for t in tasks]
    assert keys == sorted(keys)  # by deadline, ties by id: the same order on every walk
    assert walk(client, candidate_group="asiantuntija", limit=100)[0] == tasks


def test_completing_tasks_between_pages_neither_repeats_nor_skips_the_others(inbox):
    service, client = inbox
    page = client.get(f"{API}/tasks", query_string={"limit": 100}).json
    seen = [t["id"] for t in page["items"]]
    # a colleague finishes ten tasks of the first page and ten of the later ones while this one reads
    later = every_page(client, f"{API}/tasks")[100:110]
    for task in page["items"][:10] + later:
        service.complete_task(SYSTEM, task["id"], {"approved": True, "divisor": 1})
    cursor = page["next_cursor"]
    while cursor:
        page = client.get(f"{API}/tasks", query_string={"limit": 100, "cursor": cursor}).json
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 990  # the 10 finished later ones are gone; nothing twice


def test_every_list_is_paged_with_the_same_contract(inbox):
    service, client = inbox
    instances = client.get(f"{API}/process-instances", query_string={"limit": 500}).json
    assert len(instances["items"]) == 500 and instances["next_cursor"]
    rest = client.get(f"{API}/process-instances", query_string={"limit": 500,
                                                                "cursor": instances["next_cursor"]}).json
    assert len(rest["items"]) == 500 and rest["next_cursor"] is None
    started = [(i["started_at"], i["id"]) for i in instances["items"] + rest["items"]]
    assert started == sorted(started)  # oldest first

    one = instances["items"][0]["id"]
    history = client.get(f"{API}/process-instances/{one}/history", query_string={"limit": 2}).json
    assert [h["type"] for h in history["items"]] == ["started", "step_completed"] and history["next_cursor"]
    assert len(every_page(client, f"{API}/process-instances/{one}/history")) > 2

    waiting = client.get(f"{API}/messages", query_string={"limit": 1}).json
    assert waiting == {"items": [], "next_cursor": None}  # nobody waits for a message before the review
    assert [d["process_key"] for d in client.get(f"{API}/process-definitions").json["items"]] == ["fixture_review"]


def cursor_of(values) -> str:
    import base64
    import json
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("path, values", [
    ("/outbox", ["x"]), ("/outbox", [2 ** 63]), ("/outbox", [True]), ("/process-definitions", [1]),
    ("/messages", ["zz"] * 1), ("/messages", [None]), ("/tasks", [None, 5]), ("/tasks", ["2026-01-05", "a"]),
    ("/tasks", ["0001-01-01T00:00:00+05:00", "a"]), ("/tasks", ["9999-12-31T23:59:59+00:00", "a"]),
    ("/process-instances", [{"a": 1}, "b"]), ("/tasks", ["x" * 300, "a"]),
])
def test_a_tampered_cursor_is_a_400_on_every_backend(make_service, database_url, path, values):
    client = staff(create_app(make_service(database_url, [FIXTURES])))
    response = client.get(f"{API}{path}", query_string={"cursor": cursor_of(values)})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "cursor" in response.json["fields"]
