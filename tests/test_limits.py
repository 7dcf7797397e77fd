"""What a careless or hostile client sends is refused with a clear 4xx and changes nothing.

Each case was a 500 (or a silent success) before: deep nesting, lone surrogates, huge integers,
NaN/Infinity, a clock moved to year 1 or 9999, file names the store cannot keep, bodies of any size, and
bodies that were not JSON.
"""
from __future__ import annotations

import io
import json

import pytest
from freezegun import freeze_time

from tests.identities import STAFF_ROLES, sign_in
from tests.pages import every_page
from tests.test_api import API, CUSTOMER, fixture_files, start, upload
from tva_flow.api import create_app
from tva_flow.engine.clock import FrozenClock
from tva_flow.service import TvaFlow
from tva_flow.store.db import Database


def post_raw(client, path: str, body: str | bytes, content_type: str = "application/json"):
    return client.post(f"{API}{path}", data=body, content_type=content_type)


def refused(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert set(body) >= {"error", "message"}
    if code:
        assert body["error"] == code
    return body


def nothing_started(client) -> bool:
    return every_page(client, f"{API}/process-instances") == []


START = '{"process_key": "fixture_review", "business_key": "%s", "variables": %s}'


@pytest.mark.parametrize("variables, field, problem", [
    ("[" * 400 + "]" * 400, "variables", "nest"),                          # nested 400 deep
    ('{"a": ' * 40 + "1" + "}" * 40, "variables", "nested more than 32"),  # deeper than the limit
    ('{"x": "\\ud800"}', "variables.x", "surrogate"),                      # a lone surrogate
    ('{"x": "a\\u0000b"}', "variables.x", "NUL"),                          # a NUL the store cannot keep
    ('{"x": ' + "9" * 5000 + "}", "body", "out of range"),                 # 5,000 digits
    ('{"x": 9007199254740993}', "body", "out of range"),                   # beyond JavaScript's safe integers
    ('{"x": NaN}', "body", "NaN"),
    ('{"x": Infinity}', "body", "Infinity"),
    ('{"x": -Infinity}', "body", "Infinity"),
    ('{"x": 1e400}', "body", "out of range"),                              # a float that is infinite
    ('{"x": {"typename": "datetime", "value": "x"}}', "variables.x", "reserved"),  # the serializer's own key
])
def test_json_a_store_or_a_browser_cannot_keep_is_refused_naming_the_field(client, variables, field, problem):
    body = refused(post_raw(client, "/process-instances", START % (CUSTOMER, variables)), 400, "bad_request")
    (where, detail), = body["fields"].items()
    assert where.startswith(field) and problem in detail + body["message"]
    assert nothing_started(client)


def test_a_lone_surrogate_in_a_key_or_a_business_key_is_refused(client):
    refused(post_raw(client, "/process-instances", START % ("\\udfff", "{}")), 400)
    refused(post_raw(client, "/process-instances", START % (CUSTOMER, '{"\\ud800": 1}')), 400)
    assert nothing_started(client)


def test_a_json_body_over_one_mebibyte_is_413_and_changes_nothing(client):
    big = json.dumps({"x": "a" * (1024 * 1024)})
    body = refused(post_raw(client, "/process-instances", START % (CUSTOMER, big)), 413)
    assert "larger than 1048576 bytes" in body["message"]
    assert nothing_started(client)


def test_an_upload_over_ten_mebibytes_is_413(client):
    response = upload(client, {"huge.bpmn": b"<x/>" + b" " * (10 * 1024 * 1024)})
    refused(response, 413)


def test_the_limits_can_be_set_by_configuration(tmp_path):
    with freeze_time("2026-01-05T09:00:00+02:00") as frozen:
        service = TvaFlow(Database(f"sqlite:///{tmp_path / 'l.sqlite3'}"), FrozenClock(frozen))
        client = sign_in(create_app(service, {"TVA_FLOW_MAX_JSON_BYTES": 1000}), "anna", roles=STAFF_ROLES)
        refused(post_raw(client, "/messages", json.dumps({"name": "x", "business_key": "y" * 1000})), 413)
        service.db.engine.dispose()


@pytest.mark.parametrize("path", ["/tasks/x/unclaim", "/decisions/x/evaluate", "/process-instances",
                                  "/messages", "/clock/advance", "/tasks/x/claim"])
def test_a_body_that_is_not_json_is_415_not_silently_dropped(client, path):
    body = refused(post_raw(client, path, "name=employed", "application/x-www-form-urlencoded"), 415)
    assert "JSON" in body["message"]
    refused(post_raw(client, path, '{"name": "employed"}', "text/plain"), 415)


def test_a_deployment_that_is_not_multipart_is_415(client):
    refused(post_raw(client, "/deployments", "<definitions/>", "application/xml"), 415)


@pytest.mark.parametrize("name, problem", [
    ("a" * 252 + ".bpmn", "at most 255"),
    ("bad\x00name.bpmn", "control characters"),
    ("escape\x1b[31m.dmn", "control characters"),
])
def test_file_names_the_store_cannot_keep_are_refused_with_400(client, name, problem):
    body = refused(upload(client, {name: b"<x/>"}), 400, "bad_request")
    assert any(problem in detail for detail in body["fields"].values())
    versions = every_page(client, f"{API}/process-definitions")
    assert [d["version"] for d in versions] == [1]


@pytest.mark.parametrize("target", [{"to": "0001-01-01T00:00:00+02:00"}, {"to": "9999-12-31T00:00:00+02:00"},
                                    {"duration": "P9000Y"}, {"to": "2300-01-01"}])
def test_the_clock_cannot_be_sent_outside_the_years_1900_to_2200(client, target):
    body = refused(client.post(f"{API}/clock/advance", json=target), 400, "bad_request")
    assert list(target)[0] in body["fields"]
    assert client.get(f"{API}/clock").json["now"] == "2026-01-05T09:00:00+02:00"


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 501}, {"limit": "many"}, {"cursor": "not-a-cursor"},
                                   {"cursor": "WyJ4IiwieSIsInoiXQ"}, {"cursor": "bnVsbA"}])
def test_a_page_size_outside_1_to_500_or_a_foreign_cursor_is_400(client, query):
    for path in ("/tasks", "/process-instances", "/outbox", "/messages", "/process-definitions"):
        body = refused(client.get(f"{API}{path}", query_string=query), 400, "bad_request")
        assert list(query)[0] in body["fields"]


def test_an_instance_whose_data_would_outgrow_its_limit_refuses_the_request_and_keeps_its_state(tmp_path):
    with freeze_time("2026-01-05T09:00:00+02:00") as frozen:
        service = TvaFlow(Database(f"sqlite:///{tmp_path / 's.sqlite3'}"), FrozenClock(frozen),
                          max_state_bytes=200_000)
        client = sign_in(create_app(service), "anna", roles=STAFF_ROLES)
        assert upload(client, fixture_files()).status_code == 201
        instance = start(client)
        task_id = instance["open_tasks"][0]["id"]
        # each task gets its own copy of the process data; 400 kB of form data would leave too much behind
        data = {"approved": True, "divisor": 4, "notes": "x" * 400_000}
        body = refused(client.post(f"{API}/tasks/{task_id}/complete", json={"data": data}), 413)
        assert "more than the 200000" in body["message"]
        after = client.get(f"{API}/process-instances/{instance['id']}").json
        assert after["status"] == "running" and [t["id"] for t in after["open_tasks"]] == [task_id]
        service.db.engine.dispose()


def test_a_huge_upload_field_name_does_not_echo_back_unbounded(client):
    response = client.post(f"{API}/deployments", content_type="multipart/form-data",
                           data={"f" * 5000: (io.BytesIO(b"<x/>"), "")})
    body = refused(response, 400)
    assert all(len(key) <= 80 for key in body["fields"])


def test_an_error_message_stays_within_its_documented_255_characters(client):
    """A query with long unknown keys names them all in `fields`, but the message stays short."""
    response = client.get(f"{API}/tasks", query_string={"a" * 300: "1", "b" * 300: "2"})
    assert response.status_code == 400
    assert len(response.json["message"]) <= 255 and response.json["message"].endswith("…")
    assert {"a" * 300, "b" * 300} <= set(response.json["fields"])
