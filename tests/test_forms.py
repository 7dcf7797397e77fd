"""Form schemas: `$ref` stays inside the schema and the deployed forms, and patterns are time-bounded.

Security issue #8, item 3: a `$ref` to a URL made the server fetch it when a task was completed, and a
`pattern` with catastrophic backtracking could keep a CPU busy for as long as the input allowed.
"""
from __future__ import annotations

import json
import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tva_flow import forms
from tva_flow.forms import (REQUIRED, TOO_SLOW, UNKNOWN, FormSchemaError, field_errors, referenced_forms,
                             schema_problem)

FORMS = Path(__file__).resolve().parent.parent / "forms"
EVIL = "^(a|aa)+$"  # exponential backtracking on "aaa…ab", even in the regex module
EVIL_INPUT = "a" * 5000 + "b"
BOUND = 30  # seconds: generous; without the time limit these checks would not end in any practical time

COMMON = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "postal_code": {"type": "string", "pattern": "^[0-9]{5}$"},
        "address": {"type": "object", "properties": {"street": {"type": "string"},
                                                     "postal_code": {"$ref": "#/$defs/postal_code"}},
                    "required": ["street", "postal_code"], "additionalProperties": False},
    },
}
CONTACT = {"type": "object", "properties": {"home": {"$ref": "common.schema.json#/$defs/address"}}}
APPLICATION = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "postal_code": {"$ref": "common.schema.json#/$defs/postal_code"},
        "contact": {"$ref": "contact.schema.json"},
        "count": {"$ref": "#/$defs/count"},
    },
    "$defs": {"count": {"type": "integer", "minimum": 0}},
    "required": ["postal_code"],
    "additionalProperties": False,
}
DEPLOYED = {"common.schema.json": COMMON, "contact.schema.json": CONTACT, "application.schema.json": APPLICATION}


def within(seconds, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, failing the test if it has not returned after ``seconds``."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def with_ref(ref: str) -> dict:
    return {"type": "object", "properties": {"x": {"$ref": ref}}}


# -- the real forms -----------------------------------------------------------------------------------------
def test_every_real_form_passes_and_names_no_other_form():
    deployed = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(FORMS.glob("*.schema.json"))}
    assert len(deployed) >= 19
    for name, schema in deployed.items():
        assert schema_problem(schema, deployed) is None, name
        assert schema_problem(schema) is None, name
        assert referenced_forms(schema, deployed) == set(), name
        assert isinstance(field_errors(schema, {}, deployed), dict), name


def test_real_pay_subsidy_application_data_still_validates_as_before():
    schema = json.loads((FORMS / "pay_subsidy_application.schema.json").read_text(encoding="utf-8"))
    application = {"business_id": "1234567-8", "employer_name": "Rakennus Kaakko Oy", "employer_type": "business",
                   "employee_name": "Matti Meikäläinen", "category": "basic", "employment_start": "2026-02-01",
                   "employment_end": "2026-12-31", "weekly_hours": 37.5, "working_time_percent": 100,
                   "monthly_pay_eur": 2500, "pay_type": "fixed", "zero_hour_contract": False}
    assert field_errors(schema, application) == {}
    bad = {**application, "business_id": "1234567", "employment_start": "2026-02-30", "nickname": "M"}
    del bad["employer_name"]
    assert field_errors(schema, bad) == {
        "business_id": "'1234567' does not match '^[0-9]{7}-[0-9]$'",
        "employment_start": "'2026-02-30' is not a 'date'",
        "employer_name": REQUIRED,
        "nickname": UNKNOWN,
    }


# -- $ref: only the schema itself and the deployed forms ------------------------------------------------------
@pytest.mark.parametrize("ref", [
    "http://example.org/evil.schema.json",
    "https://example.org/evil.schema.json#/$defs/x",
    "//example.org/evil.schema.json",
    "file:///etc/passwd",
    "/etc/passwd",
    "../secrets/other.schema.json",
])
def test_a_ref_out_of_the_deployment_is_refused_at_deploy(ref):
    problem = schema_problem(with_ref(ref), DEPLOYED)
    assert problem == f"$ref {ref!r} at /properties/x points outside the deployed forms"
    assert referenced_forms(with_ref(ref), DEPLOYED) == set()
    with pytest.raises(FormSchemaError, match="points outside the deployed forms"):
        field_errors(with_ref(ref), {"x": 1}, DEPLOYED)


def test_a_ref_is_found_wherever_it_hides_in_the_schema():
    schema = {"$defs": {"unused": {"$ref": "http://a.example/"}}, "x-ui": {"hint": {"$ref": "http://b.example/"}},
              "properties": {"default": {"prefixItems": [{"$ref": "http://c.example/"}]}},
              "examples": [{"$ref": "http://data.example/"}]}  # an example is data, not a schema
    problem = schema_problem(schema)
    assert "'http://a.example/' at /$defs/unused" in problem
    assert "'http://b.example/' at /x-ui/hint" in problem
    assert "'http://c.example/' at /properties/default/prefixItems/0" in problem
    assert "data.example" not in problem


def test_an_id_does_not_let_a_ref_leave_the_deployment():
    schema = {"$id": "https://example.org/forms/a.schema.json", "properties": {"x": {"$ref": "common.schema.json"}}}
    assert schema_problem(schema, DEPLOYED) == ("$ref 'common.schema.json' at /properties/x points outside the "
                                                "deployed forms (to 'https://example.org/forms/common.schema.json')")


@pytest.fixture
def web_server():
    """A local HTTP server serving a harmless schema at any path; ``requests`` lists the paths asked for."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = b'{"type": "string"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/schema+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def connections(monkeypatch):
    """Every outgoing connection or name look-up attempted from now on (they still go ahead)."""
    attempts: list[object] = []
    real_connect, real_urlopen, real_getaddrinfo = socket.socket.connect, urllib.request.urlopen, socket.getaddrinfo

    def connect(self, address):
        attempts.append(("connect", address))
        return real_connect(self, address)

    def urlopen(url, *args, **kwargs):
        attempts.append(("urlopen", url))
        return real_urlopen(url, *args, **kwargs)

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(("getaddrinfo", host))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_a_ref_to_a_reachable_url_is_never_fetched(web_server, connections):
    base, requests = web_server
    with urllib.request.urlopen(f"{base}/control") as response:  # the server is there and answers
        assert response.status == 200
    assert requests == ["/control"] and connections
    connections.clear()

    schema = with_ref(f"{base}/name.schema.json")
    assert "points outside the deployed forms" in schema_problem(schema, DEPLOYED)
    assert referenced_forms(schema) == set()
    with pytest.raises(FormSchemaError):
        field_errors(schema, {"x": "a string the remote schema would accept"}, DEPLOYED)
    assert requests == ["/control"]
    assert connections == []


def test_even_past_the_static_check_validation_refuses_to_fetch(web_server, connections, monkeypatch):
    """Defence in depth: the validator's own registry refuses every URI that is not a deployed form."""
    base, requests = web_server
    monkeypatch.setattr(forms, "_check", lambda schema, deployed: ([], set()))
    with pytest.raises(FormSchemaError, match="does not resolve"):
        field_errors(with_ref(f"{base}/name.schema.json"), {"x": 1}, DEPLOYED)
    assert requests == [] and connections == []


def test_a_ref_to_the_meta_schema_is_served_from_memory(connections):
    schema = with_ref("https://json-schema.org/draft/2020-12/schema")
    assert schema_problem(schema) is None
    assert field_errors(schema, {"x": {"type": "string"}}) == {}
    assert connections == []


# -- $ref between deployed forms ----------------------------------------------------------------------------
def test_a_ref_to_another_deployed_form_resolves_and_validates():
    assert schema_problem(APPLICATION, DEPLOYED) is None
    assert referenced_forms(APPLICATION) == {"common.schema.json", "contact.schema.json"}
    assert referenced_forms(APPLICATION, DEPLOYED) == {"common.schema.json", "contact.schema.json"}
    assert referenced_forms(CONTACT, DEPLOYED) == {"common.schema.json"}
    good = {"postal_code": "00100", "count": 2, "contact": {"home": {"street": "Mannerheimintie 1",
                                                                     "postal_code": "00100"}}}
    assert field_errors(APPLICATION, good, DEPLOYED) == {}
    bad = {"postal_code": "1", "count": -1, "contact": {"home": {"postal_code": "x", "floor": 3}}}
    assert field_errors(APPLICATION, bad, DEPLOYED) == {
        "postal_code": "'1' does not match '^[0-9]{5}$'",
        "count": "-1 is less than the minimum of 0",
        "contact.home.postal_code": "'x' does not match '^[0-9]{5}$'",
        "contact.home.street": REQUIRED,
        "contact.home.floor": UNKNOWN,
    }


def test_a_ref_to_a_form_missing_from_the_deployment_is_a_deploy_time_problem():
    assert schema_problem(APPLICATION) == (
        "$ref 'common.schema.json#/$defs/postal_code' at /properties/postal_code names a form file that is not "
        "deployed; $ref 'contact.schema.json' at /properties/contact names a form file that is not deployed")
    partial = {"contact.schema.json": CONTACT}
    assert schema_problem(APPLICATION, partial).endswith(
        "in contact.schema.json: $ref 'common.schema.json#/$defs/address' at /properties/home names a form file "
        "that is not deployed")
    assert referenced_forms(APPLICATION, partial) == {"contact.schema.json"}


@pytest.mark.parametrize("ref", ["common.schema.json#/$defs/nope", "#/$defs/nope", "#no-such-anchor"])
def test_a_ref_to_a_place_that_does_not_exist_is_a_deploy_time_problem(ref):
    assert schema_problem(with_ref(ref), DEPLOYED) == f"$ref {ref!r} at /properties/x points to nothing in its document"


def test_a_problem_in_a_referenced_form_is_a_problem_of_the_form_that_uses_it():
    deployed = {**DEPLOYED, "common.schema.json": {**COMMON, "$defs": {**COMMON["$defs"],
                                                                       "evil": {"$ref": "http://x.example/"}}}}
    assert schema_problem(APPLICATION, deployed) == (
        "in common.schema.json: $ref 'http://x.example/' at /$defs/evil points outside the deployed forms")


def test_refs_in_a_draft_07_form_resolve_too():
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"n": {"type": "integer"}},
              "properties": {"n": {"$ref": "#/definitions/n"}, "c": {"$ref": "common.schema.json#/$defs/postal_code"}}}
    assert schema_problem(schema, DEPLOYED) is None
    assert field_errors(schema, {"n": "1", "c": "1"}, DEPLOYED) == {
        "c": "'1' does not match '^[0-9]{5}$'", "n": "'1' is not of type 'integer'"}


# -- patterns -----------------------------------------------------------------------------------------------
def test_a_pattern_that_does_not_compile_is_named_with_its_place():
    assert schema_problem({"properties": {"code": {"type": "string", "pattern": "([0-9]"}}}) == (
        "not a valid JSON Schema: '([0-9]' is not a 'regex' (at /properties/code/pattern)")
    assert "at /x-ui/pattern does not compile" in schema_problem({"x-ui": {"pattern": "(?"}})


def test_an_evil_pattern_gives_a_field_error_not_a_busy_cpu():
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": EVIL}}}
    assert schema_problem(schema) is None  # nested quantifiers are allowed: the time limit is the protection
    assert within(BOUND, field_errors, schema, {"code": EVIL_INPUT}) == {"code": TOO_SLOW}
    assert field_errors(schema, {"code": "aaaa"}) == {}
    assert field_errors(schema, {"code": "ab"}) == {"code": "'ab' does not match '^(a|aa)+$'"}


def test_an_evil_pattern_on_property_names_gives_a_field_error():
    schema = {"type": "object", "patternProperties": {EVIL: {"type": "integer"}}, "additionalProperties": False}
    assert within(BOUND, field_errors, schema, {EVIL_INPUT: 1, "aa": "x", "b": 1}) == {
        EVIL_INPUT: TOO_SLOW, "aa": "'x' is not of type 'integer'", "b": UNKNOWN}
    names = {"type": "object", "propertyNames": {"pattern": EVIL}}
    assert within(BOUND, field_errors, names, {EVIL_INPUT: 1}) == {"$": TOO_SLOW}  # propertyNames: at the object


def test_many_evil_values_share_one_time_budget():
    schema = {"type": "array", "items": {"type": "string", "pattern": EVIL}}
    errors = within(BOUND, field_errors, schema, [EVIL_INPUT] * 300)  # 300 × 0.1 s without a budget
    assert errors == {str(i): TOO_SLOW for i in range(300)}


def test_unevaluated_properties_with_pattern_properties_is_refused():
    schema = {"type": "object", "allOf": [{"patternProperties": {"^x_": {"type": "string"}}}],
              "unevaluatedProperties": False}
    problem = schema_problem(schema)
    assert problem.startswith("unevaluatedProperties (at /) cannot be used together with patternProperties")
    with pytest.raises(FormSchemaError):
        field_errors(schema, {"x_" + "a" * 100: "v"})
    assert schema_problem({"type": "object", "unevaluatedProperties": False}) is None


def test_schema_problem_still_refuses_what_is_not_a_json_schema():
    assert schema_problem([]) == "a form schema must be a JSON object"
    assert schema_problem({"type": "strin"}).startswith("not a valid JSON Schema: ")


# -- through the API: deploying and completing a task -----------------------------------------------------
def _review_form(divisor_ref: str) -> bytes:
    return json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "required": ["approved", "divisor"], "additionalProperties": False,
        "properties": {"approved": {"type": "boolean"}, "divisor": {"$ref": divisor_ref},
                       "notes": {"type": "string"}}}).encode()


def test_a_form_with_a_remote_ref_is_refused_at_deploy_and_nothing_is_deployed(client, connections):
    from tests.test_api import upload

    response = upload(client, {"fixture_review.schema.json": _review_form("http://127.0.0.1:9/divisor.json")})
    assert response.status_code == 422
    assert "points outside the deployed forms" in response.json["fields"]["fixture_review.schema.json"]
    (definition,) = client.get("/api/v1/process-definitions").json["items"]
    assert definition["versions"] == [1] and connections == []


def test_a_task_form_may_ref_another_deployed_form_and_completion_checks_against_it(client):
    from tests.test_api import start, upload

    common = json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema",
                         "$defs": {"divisor": {"type": "integer", "minimum": 1}}}).encode()
    response = upload(client, {"common.schema.json": common,
                               "fixture_review.schema.json": _review_form("common.schema.json#/$defs/divisor")})
    assert response.status_code == 201, response.json
    (process,) = response.json["processes"]
    assert process["version"] == 2 and "common.schema.json" in process["files"]  # the referenced form joined
    task = start(client)["open_tasks"][0]["id"]
    refused = client.post(f"/api/v1/tasks/{task}/complete", json={"data": {"approved": True, "divisor": 0}})
    assert refused.status_code == 422 and "divisor" in refused.json["fields"]
    done = client.post(f"/api/v1/tasks/{task}/complete", json={"data": {"approved": True, "divisor": 4}})
    assert done.status_code == 200, done.json
