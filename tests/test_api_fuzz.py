"""Property-based API test: schemathesis sends what the OpenAPI document allows — and what it does not.

For every operation, generated requests (valid and invalid bodies, queries and paths) must never get a
server error, and every answer must match the documented status codes, media type and response schema.
Not checked: that every schema-valid request is accepted — an opaque `cursor` this server did not
give, a duration moving the clock past 2200 or a business key nobody has are well-formed and still
refused (400/404/409) by design. Examples per operation are bounded (``TVA_FLOW_FUZZ_EXAMPLES``, default 30) so `make test` stays short.

Every generated request carries a valid token of anna, a member of staff of area A (caseworker, process owner,
tester, integration, and auditor so that the audit trail is tried too), so the examples reach the operations
behind the sign-in rather than all ending at 401.
"""
from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import FIXTURES
from tva_flow.api import create_app
from tva_flow.engine.clock import parse_datetime
from tva_flow.service import TvaFlow
from tva_flow.store.clock import StoredClock
from tva_flow.store.db import Database
from tests.identities import AREA, STAFF_ROLES, SYSTEM, bearer

EXAMPLES = int(os.environ.get("TVA_FLOW_FUZZ_EXAMPLES", "30"))


@pytest.fixture
def api_schema(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'fuzz.sqlite3'}")
    service = TvaFlow(db, StoredClock(db, parse_datetime("2026-01-05T09:00:00+02:00")), advance_limit=20)
    service.deploy_paths(SYSTEM, [FIXTURES])
    instance = service.start_instance(SYSTEM, "fixture_review", "010190-123A",
                                      {"review_due": "2026-01-08T16:00:00+02:00", "divisor": 4}, area=AREA)
    assert instance["open_tasks"]
    app = create_app(service)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The token is not one of the generated parameters: every request, valid or not, is anna's (a missing or
    # bad token is tests/test_identity.py's subject), so the examples are spent behind the sign-in.
    schema.config.generation.update(with_security_parameters=False)
    signed_in = bearer(app, "anna", roles=[*STAFF_ROLES, "auditor"])

    @schema.auth()
    class StaffToken:
        """Every generated request carries anna's token."""

        def get(self, case, context):
            return signed_in["Authorization"]

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": data}

    yield schema
    db.engine.dispose()


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error_and_every_answer_is_as_documented(api_schema, mode):
    failures, statuses = {}, Counter()
    for operation in operations(api_schema):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
            statuses[operation.label, response.status_code] += 1  # noqa: B023 - run() runs in this iteration

        try:
            run()
        except Unsatisfiable:  # nothing about this operation can be malformed (e.g. no parameters)
            assert mode is GenerationMode.NEGATIVE
        except Exception as exc:  # noqa: BLE001 - every operation is tried; all failures are reported
            failures[operation.label] = str(exc)[:3000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    # Signed in, the examples reach the operations: none is refused at the door, and every operation that could
    # be tried (all of them with valid data) was.
    assert not [key for key in statuses if key[1] == 401], sorted(statuses.items())
    if mode is GenerationMode.POSITIVE:
        assert {label for label, _ in statuses} == {op.label for op in operations(api_schema)}

