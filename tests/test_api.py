"""The HTTP API, driven through Flask's test client with frozen time, signed in as anna (staff of area A).

The fixture process (tests/fixtures/defs): a caseworker reviews the case (user task `review` in lane
`asiantuntija`, due at the variable `review_due`, with a boundary timer at the same time), then the
process waits for the message `employed`, then computes `result = 100 / divisor`.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from tva_flow.api import create_app
from tva_flow.engine.clock import SystemClock
from tva_flow.service import TvaFlow
from tva_flow.store.db import Database
from tests.identities import STAFF_ROLES, sign_in
from tests.pages import every_page

DEFS = Path(__file__).parent / "fixtures" / "defs"
BPMN = "fixture_review.bpmn"
API = "/api/v1"
DUE = "2026-01-08T16:00:00+02:00"
CUSTOMER = "010190-123A"


def upload(client, files: dict[str, bytes], field: str = "files"):
    return client.post(f"{API}/deployments", content_type="multipart/form-data",
                       data={field: [(io.BytesIO(content), name) for name, content in files.items()]})


def fixture_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(DEFS.iterdir())}


def start(client, business_key=CUSTOMER, **variables) -> dict:
    response = client.post(f"{API}/process-instances", json={
        "process_key": "fixture_review", "business_key": business_key,
        "variables": {"review_due": DUE, **variables}})
    assert response.status_code == 201, response.json
    return response.json


def review_task(instance: dict) -> str:
    [task] = instance["open_tasks"]
    assert task["element_id"] == "review"
    return task["id"]


def snapshot(client, instance_id: str) -> tuple:
    """Everything a refused request must leave untouched: the instance, its history and its tasks."""
    instance = client.get(f"{API}/process-instances/{instance_id}").json
    history = every_page(client, f"{API}/process-instances/{instance_id}/history")
    tasks = [client.get(f"{API}/tasks/{t['id']}").json for t in instance["open_tasks"]]
    return instance, history, tasks


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.json
    assert body["error"] == code
    assert body["message"]
    return body


# -- health and documentation -------------------------------------------------------------------------
def test_health_answers_with_the_database_dialect(client):
    for path in ("/healthz", f"{API}/healthz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json == {"status": "ok", "database": "sqlite"}


def test_the_openapi_document_describes_every_route(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    doc = response.json
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "tva-flow"
    for path in ("/api/v1/deployments", "/api/v1/process-definitions", "/api/v1/process-instances",
                 "/api/v1/process-instances/{instance_id}", "/api/v1/process-instances/{instance_id}/history",
                 "/api/v1/process-instances/{instance_id}/cancel", "/api/v1/tasks", "/api/v1/tasks/{task_id}",
                 "/api/v1/tasks/{task_id}/claim", "/api/v1/tasks/{task_id}/unclaim",
                 "/api/v1/tasks/{task_id}/complete", "/api/v1/messages", "/api/v1/clock",
                 "/api/v1/clock/advance", "/healthz"):
        assert path in doc["paths"], path
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post"):
                assert operation.get("summary"), f"{method} {path} has no summary"
    complete = doc["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]
    assert {"400", "404", "409", "422"} <= set(complete["responses"])
    assert "multipart/form-data" in doc["paths"]["/api/v1/deployments"]["post"]["requestBody"]["content"]
    assert {"Error", "Instance", "Task"} <= set(doc["components"]["schemas"])


# -- deployments --------------------------------------------------------------------------------------
def test_an_uploaded_fixture_is_deployed_as_version_1(client):
    [definition] = every_page(client, f"{API}/process-definitions")
    assert definition["process_key"] == "fixture_review"
    assert definition["name"] == "Testikäsittely"
    assert definition["version"] == 1 and definition["versions"] == [1]
    assert set(definition["files"]) == set(fixture_files())


def test_redeploying_the_same_files_creates_no_new_version(client):
    response = upload(client, fixture_files(), field="anything")
    assert response.status_code == 201
    [process] = response.json["processes"]
    assert process["version"] == 1 and process["created"] is False


@pytest.mark.parametrize("content, problem", [
    (b"<bpmn:definitions", "not well-formed XML"),
    ((DEFS / BPMN).read_bytes().replace(b'targetRef="ended"', b'targetRef="nowhere"'), "nowhere"),
], ids=["malformed-xml", "flow-to-missing-element"])
def test_an_invalid_diagram_is_refused_and_the_deployed_version_still_starts(client, content, problem):
    before = every_page(client, f"{API}/process-definitions")
    body = assert_error(upload(client, {BPMN: content}), 422, "invalid")
    assert BPMN in body["fields"]
    assert problem in body["fields"][BPMN]["message"]
    assert every_page(client, f"{API}/process-definitions") == before
    instance = start(client)
    assert instance["version"] == 1 and instance["status"] == "running"


def test_an_upload_without_files_or_of_an_unknown_kind_is_malformed(client):
    assert_error(client.post(f"{API}/deployments"), 400, "bad_request")
    body = assert_error(upload(client, {"notes.txt": b"hello"}), 400, "bad_request")
    assert "notes.txt" in body["fields"]


def test_a_changed_diagram_becomes_version_2_and_running_instances_stay_on_version_1(client):
    earlier = start(client, "010190-111A")
    changed = (DEFS / BPMN).read_bytes().replace(b'name="Laskenta"', b'name="Laskenta (uusi)"')
    response = upload(client, {BPMN: changed})
    assert response.status_code == 201
    [process] = response.json["processes"]
    assert process["version"] == 2 and process["created"] is True
    assert every_page(client, f"{API}/process-definitions")[0]["versions"] == [1, 2]
    assert client.get(f"{API}/process-instances/{earlier['id']}").json["version"] == 1
    assert start(client, "010190-222B")["version"] == 2


# -- instances ----------------------------------------------------------------------------------------
def test_a_started_case_waits_for_review_by_a_caseworker_until_its_due_date(client):
    instance = start(client)
    assert instance["status"] == "running"
    assert instance["version"] == 1
    assert instance["started_at"] == "2026-01-05T09:00:00+02:00"
    [task] = instance["open_tasks"]
    assert (task["element_id"], task["candidate_group"], task["assignee"]) == ("review", "asiantuntija", None)
    assert task["due_at"] == DUE
    assert instance["pending_timers"] == [{"element_id": "review_deadline", "name": "Määräaika", "due_at": DUE}]

    listed = every_page(client, f"{API}/tasks", {"candidate_group": "asiantuntija"})
    assert [t["id"] for t in listed] == [task["id"]]
    assert every_page(client, f"{API}/tasks", {"candidate_group": "tyonantaja"}) == []
    assert [i["id"] for i in every_page(client, f"{API}/process-instances", {"business_key": CUSTOMER, "status": "running"})] \
        == [instance["id"]]
    assert every_page(client, f"{API}/process-instances", {"status": "completed"}) == []

    detail = client.get(f"{API}/tasks/{task['id']}").json
    assert detail["status"] == "open"
    assert detail["form"]["schema"]["required"] == ["approved", "divisor"]
    assert detail["form"]["ui_schema"]["ui:order"] == ["approved", "divisor", "notes"]


def test_starting_an_unknown_process_is_not_found(client):
    body = assert_error(client.post(f"{API}/process-instances",
                                    json={"process_key": "no_such_process", "business_key": CUSTOMER}),
                        404, "not_found")
    assert "no_such_process" in body["message"]
    assert every_page(client, f"{API}/process-instances") == []


def test_a_start_request_without_business_key_is_malformed(client):
    body = assert_error(client.post(f"{API}/process-instances", json={"process_key": "fixture_review"}),
                        400, "bad_request")
    assert set(body["fields"]) == {"business_key"}
    assert every_page(client, f"{API}/process-instances") == []


def test_listing_instances_by_an_unknown_status_is_malformed(client):
    body = assert_error(client.get(f"{API}/process-instances?status=sleeping"), 400, "bad_request")
    assert "status" in body["fields"]


def test_a_cancelled_case_closes_its_task_and_cannot_be_cancelled_again(client):
    instance = start(client)
    response = client.post(f"{API}/process-instances/{instance['id']}/cancel")
    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    [cancelled] = [h for h in every_page(client, f"{API}/process-instances/{instance['id']}/history")
                   if h["type"] == "cancelled"]
    assert (cancelled["user"], cancelled["role"]) == ("anna", "caseworker")  # the token's subject cancelled it
    assert response.json["open_tasks"] == [] and response.json["pending_timers"] == []
    assert every_page(client, f"{API}/tasks") == []
    before = snapshot(client, instance["id"])
    assert_error(client.post(f"{API}/process-instances/{instance['id']}/cancel"), 409, "conflict")
    assert snapshot(client, instance["id"]) == before


# -- user tasks ---------------------------------------------------------------------------------------
def test_form_data_failing_the_schema_is_refused_field_by_field_and_changes_nothing(client):
    instance = start(client)
    task_id = review_task(instance)
    before = snapshot(client, instance["id"])
    body = assert_error(client.post(f"{API}/tasks/{task_id}/complete",
                                    json={"data": {"approved": "x"}}), 422, "invalid")
    assert set(body["fields"]) == {"approved", "divisor"}
    assert snapshot(client, instance["id"]) == before
    assert client.get(f"{API}/tasks/{task_id}").json["status"] == "open"


def test_only_the_caseworker_who_claimed_the_task_completes_it(client):
    instance = start(client)
    task_id = review_task(instance)
    claimed = client.post(f"{API}/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.json["assignee"] == "anna"  # the token's subject
    assert [t["id"] for t in every_page(client, f"{API}/tasks?assignee=anna")] == [task_id]

    bertta = sign_in(client, "bertta", roles=["caseworker"])  # a colleague in the same group and area
    assert [t["id"] for t in every_page(bertta, f"{API}/tasks")] == [task_id]  # she sees the task …
    before = snapshot(client, instance["id"])
    assert_error(bertta.post(f"{API}/tasks/{task_id}/complete",
                             json={"data": {"approved": True, "divisor": 4}}), 409, "conflict")
    assert_error(bertta.post(f"{API}/tasks/{task_id}/claim"), 409, "conflict")  # … but cannot take it
    assert_error(bertta.post(f"{API}/tasks/{task_id}/unclaim"), 409, "conflict")
    assert snapshot(client, instance["id"]) == before

    completed = client.post(f"{API}/tasks/{task_id}/complete", json={"data": {"approved": True, "divisor": 4}})
    assert completed.status_code == 200
    assert completed.json["status"] == "running"
    assert completed.json["open_tasks"] == [] and completed.json["pending_timers"] == []
    assert completed.json["message_subscriptions"] == [{"element_id": "wait_employed", "message_name": "employed"}]
    assert completed.json["variables"]["approved"] is True
    assert client.get(f"{API}/tasks/{task_id}").json["status"] == "completed"
    history = every_page(client, f"{API}/process-instances/{instance['id']}/history")
    assert [(h["type"], h["user"], h["role"]) for h in history if h["type"] in ("task_claimed", "task_completed")] \
        == [("task_claimed", "anna", "caseworker"), ("task_completed", "anna", "caseworker")]

    before = snapshot(client, instance["id"])
    assert_error(client.post(f"{API}/tasks/{task_id}/complete",
                             json={"data": {"approved": True, "divisor": 4}}), 409, "conflict")
    assert snapshot(client, instance["id"]) == before


def test_a_released_task_returns_to_its_group(client):
    task_id = review_task(start(client))
    assert client.post(f"{API}/tasks/{task_id}/claim").json["assignee"] == "anna"
    response = client.post(f"{API}/tasks/{task_id}/unclaim")
    assert response.status_code == 200 and response.json["assignee"] is None
    assert every_page(client, f"{API}/tasks?assignee=anna") == []


def test_an_unknown_task_or_instance_is_not_found_as_json(client):
    assert_error(client.get(f"{API}/tasks/no-such-task"), 404, "not_found")
    assert_error(client.post(f"{API}/tasks/no-such-task/claim"), 404, "not_found")
    assert_error(client.post(f"{API}/tasks/no-such-task/complete", json={"data": {}}), 404, "not_found")
    assert_error(client.get(f"{API}/process-instances/no-such-instance"), 404, "not_found")
    assert_error(client.get(f"{API}/process-instances/no-such-instance/history"), 404, "not_found")
    assert_error(client.get(f"{API}/no-such-route"), 404, "not_found")
    assert_error(client.delete(f"{API}/tasks"), 405, "method_not_allowed")


def test_malformed_requests_are_refused_with_the_failing_fields_and_change_nothing(client):
    instance = start(client)
    task_id = review_task(instance)
    url = f"{API}/tasks/{task_id}/complete"
    before = snapshot(client, instance["id"])

    body = assert_error(client.post(url, data="{not json", content_type="application/json"), 400, "bad_request")
    assert "body" in body["fields"]
    # who acts is the token's subject: a `user` in the body is an unknown field, even when it names the caller
    body = assert_error(client.post(url, json={"user": "anna", "data": {"approved": True, "divisor": 4}}),
                        400, "bad_request")
    assert set(body["fields"]) == {"user"}
    body = assert_error(client.post(url, json={"data": ["approved"]}), 400, "bad_request")
    assert set(body["fields"]) == {"data"}
    body = assert_error(client.post(url, json={"user": "anna", "data": ["approved"]}), 400, "bad_request")
    assert set(body["fields"]) == {"user", "data"}
    body = assert_error(client.post(url, json={"user": 7, "data": {}, "extra": 1}), 400, "bad_request")
    assert set(body["fields"]) == {"user", "extra"}
    body = assert_error(client.post(url, json={}), 400, "bad_request")
    assert set(body["fields"]) == {"data"}
    assert_error(client.post(url, json=["anna"]), 400, "bad_request")
    body = assert_error(client.post(f"{API}/tasks/{task_id}/claim", json={"user": "anna"}), 400, "bad_request")
    assert set(body["fields"]) == {"user"}
    body = assert_error(client.post(f"{API}/tasks/{task_id}/claim", json={"take_over": [True]}), 400,
                        "bad_request")
    assert set(body["fields"]) == {"take_over"}

    assert snapshot(client, instance["id"]) == before


@pytest.mark.parametrize("path, body", [
    ("/process-instances", {"process_key": "fixture_review", "business_key": "010190-222B", "user": "anna"}),
    ("/process-instances/{instance}/cancel", {"user": "anna"}),
    ("/tasks/{task}/claim", {"user": "anna", "take_over": True}),
    ("/tasks/{task}/unclaim", {"user": "anna"}),
    ("/messages", {"name": "employed", "business_key": CUSTOMER, "user": "anna"}),
], ids=["start", "cancel", "claim", "unclaim", "message"])
def test_no_request_body_names_who_acts(client, path, body):
    """The acting user is the token's subject; a body that names one is refused and changes nothing."""
    instance = start(client)
    before = snapshot(client, instance["id"]), every_page(client, f"{API}/process-instances")
    url = API + path.format(instance=instance["id"], task=review_task(instance))
    assert set(assert_error(client.post(url, json=body), 400, "bad_request")["fields"]) == {"user"}
    assert (snapshot(client, instance["id"]), every_page(client, f"{API}/process-instances")) == before


# -- messages -----------------------------------------------------------------------------------------
def test_a_message_nobody_waits_for_is_a_conflict(client):
    instance = start(client)
    before = snapshot(client, instance["id"])
    body = assert_error(client.post(f"{API}/messages", json={"name": "employed", "business_key": CUSTOMER}),
                        409, "conflict")
    assert CUSTOMER in body["message"]
    assert_error(client.post(f"{API}/messages", json={"name": "employed", "business_key": "999999-999X"}),
                 409, "conflict")
    assert snapshot(client, instance["id"]) == before
    body = assert_error(client.post(f"{API}/messages", json={"name": "employed"}), 400, "bad_request")
    assert set(body["fields"]) == {"business_key"}


def test_the_customer_being_employed_after_the_review_completes_the_case(client):
    instance = start(client)
    client.post(f"{API}/tasks/{review_task(instance)}/complete", json={"data": {"approved": True, "divisor": 4}})
    response = client.post(f"{API}/messages", json={"name": "employed", "business_key": CUSTOMER})
    assert response.status_code == 200
    assert response.json == {"instance_id": instance["id"], "element_id": "wait_employed", "status": "completed"}
    finished = client.get(f"{API}/process-instances/{instance['id']}").json
    assert finished["status"] == "completed"
    assert finished["variables"]["result"] == 25
    assert finished["ended_at"] == "2026-01-05T09:00:00+02:00"
    types = [e["type"] for e in every_page(client, f"{API}/process-instances/{instance['id']}/history")]
    assert types[0] == "started" and types[-1] == "ended"
    assert {"task_completed", "message_received"} <= set(types)


def test_a_script_failing_after_the_message_refuses_the_message_and_the_case_still_waits(client):
    instance = start(client)
    client.post(f"{API}/tasks/{review_task(instance)}/complete", json={"data": {"approved": True, "divisor": 0}})
    body = assert_error(client.post(f"{API}/messages", json={"name": "employed", "business_key": CUSTOMER}),
                        422, "process_failed")
    assert "division by zero" in body["message"] and body["fields"] == {"element_id": "compute"}
    after = client.get(f"{API}/process-instances/{instance['id']}").json
    assert after["status"] == "running" and after["error"] is None
    assert after["message_subscriptions"] == [{"element_id": "wait_employed", "message_name": "employed"}]
    (failed,) = [h for h in every_page(client, f"{API}/process-instances/{instance['id']}/history")
                 if h["type"] == "step_failed"]
    assert failed["element_id"] == "compute" and "division by zero" in failed["data"]["error"]


# -- clock --------------------------------------------------------------------------------------------
def test_a_week_later_the_review_deadline_has_fired_at_its_due_time(client):
    instance = start(client)
    assert client.get(f"{API}/clock").json == {"now": "2026-01-05T09:00:00+02:00", "simulated": True}
    response = client.post(f"{API}/clock/advance", json={"duration": "P1W"})
    assert response.status_code == 200
    assert response.json["now"] == "2026-01-12T09:00:00+02:00"
    [fired] = response.json["fired"]
    assert fired["instance_id"] == instance["id"]
    assert fired["element_id"] == "review_deadline"
    assert fired["due_at"] == DUE and fired["fired_at"] == DUE

    history = every_page(client, f"{API}/process-instances/{instance['id']}/history")
    [timer] = [e for e in history if e["type"] == "timer_fired"]
    assert timer["at"] == DUE and timer["element_id"] == "review_deadline"
    overdue = client.get(f"{API}/process-instances/{instance['id']}").json
    assert overdue["status"] == "completed" and overdue["variables"]["overdue"] is True
    assert every_page(client, f"{API}/tasks") == []
    assert client.get(f"{API}/clock").json["now"] == "2026-01-12T09:00:00+02:00"


def test_moving_the_clock_to_a_date_fires_nothing_before_the_deadline(client):
    start(client)
    response = client.post(f"{API}/clock/advance", json={"to": "2026-01-08T15:59:00+02:00"})
    assert response.status_code == 200
    assert response.json["fired"] == []
    assert len(every_page(client, f"{API}/tasks")) == 1


def test_a_clock_advance_needs_exactly_one_valid_target(client):
    assert_error(client.post(f"{API}/clock/advance", json={}), 400, "bad_request")
    assert_error(client.post(f"{API}/clock/advance", json={"duration": "a week"}), 400, "bad_request")
    assert_error(client.post(f"{API}/clock/advance", json={"to": "2026-01-01T00:00:00+02:00"}), 400, "bad_request")
    assert client.get(f"{API}/clock").json["now"] == "2026-01-05T09:00:00+02:00"


def test_the_real_clock_cannot_be_moved(tmp_path):
    service = TvaFlow(Database("sqlite:///" + str(tmp_path / "real.sqlite3")), SystemClock())
    client = sign_in(create_app(service), "anna", roles=STAFF_ROLES)
    assert client.get(f"{API}/clock").json["simulated"] is False
    assert_error(client.post(f"{API}/clock/advance", json={"duration": "P1M"}), 409, "conflict")
    service.db.engine.dispose()


def test_an_unexpected_failure_answers_500_as_json_without_internals(api, monkeypatch):
    client, service = api

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(service, "list_definitions", broken)
    body = assert_error(client.get(f"{API}/process-definitions"), 500, "internal_server_error")
    assert "secret" not in body["message"]


def test_unknown_filters_and_unstorable_text_are_refused_with_400(client):
    assert_error(client.get(f"{API}/tasks", query_string={"candidate_grp": "asiantuntija"}), 400, "bad_request")
    assert_error(client.get(f"{API}/process-instances", query_string={"bk": "x"}), 400, "bad_request")
    long_key = client.post(f"{API}/process-instances", json={"process_key": "fixture_review",
                                                            "business_key": "x" * 256, "variables": {}})
    assert "business_key" in assert_error(long_key, 400, "bad_request")["fields"]
    nul = client.post(f"{API}/process-instances", json={"process_key": "fixture_review",
                                                        "business_key": "a\u0000b", "variables": {}})
    assert "business_key" in assert_error(nul, 400, "bad_request")["fields"]
    assert every_page(client, f"{API}/process-instances") == []


def test_a_duration_beyond_the_calendar_is_a_bad_request(client):
    assert_error(client.post(f"{API}/clock/advance", json={"duration": "P99999Y"}), 400, "bad_request")
    assert client.get(f"{API}/clock").json["now"] == "2026-01-05T09:00:00+02:00"


def test_a_deployed_decision_is_evaluated_on_its_own_with_its_matched_rule(client):
    from tests.conftest import DEFINITION_DIRS
    files = {p.name: p.read_bytes() for d in DEFINITION_DIRS for p in sorted(d.iterdir())}
    assert upload(client, files).status_code == 201
    answer = client.post(f"{API}/decisions/startup_grant_terms/evaluate", json={"inputs": {"decision_date": "2026-03-10"}})
    assert answer.status_code == 200, answer.json
    assert answer.json["result"] == {"period_months": 6, "max_total_months": 12, "application_window_months": 2}
    assert "380/2023" in answer.json["matched_rules"][0]["annotation"]
    assert_error(client.post(f"{API}/decisions/no_such/evaluate", json={"inputs": {}}), 404, "not_found")
    assert_error(client.post(f"{API}/decisions/startup_grant_terms/evaluate", json={"inputs": []}), 400, "bad_request")


@pytest.mark.parametrize("path", ["/tasks/a%00b", "/process-instances/a%00b", "/process-instances/a%00b/history",
                                  "/customers/a%00b"])
def test_an_id_with_a_nul_character_is_simply_unknown(client, path):
    assert_error(client.get(f"{API}{path}"), 404, "not_found")
