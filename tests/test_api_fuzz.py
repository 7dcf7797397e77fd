"""Property-based API test: schemathesis sends what the OpenAPI document allows — and what it does not.

For every operation, generated requests (valid and invalid bodies, queries and paths) must never get a
server error, and every answer must match the documented status codes, media type and response schema.
Not checked: that every schema-valid request is accepted — an opaque `cursor` this server did not
give, a duration moving the clock past 2200 or a business key nobody has are well-formed and still
refused (400/404/409) by design. Examples per operation are bounded (``TVA_FLOW_FUZZ_EXAMPLES``, default 30) so `make test` stays short.
"""
from __future__ import annotations

import os

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

EXAMPLES = int(os.environ.get("TVA_FLOW_FUZZ_EXAMPLES", "30"))


@pytest.fixture
def api_schema(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'fuzz.sqlite3'}")
    service = TvaFlow(db, StoredClock(db, parse_datetime("2026-01-05T09:00:00+02:00")), advance_limit=20)
    service.deploy_paths([FIXTURES])
    instance = service.start_instance("fixture_review", "010190-123A",
                                      {"review_due": "2026-01-08T16:00:00+02:00", "divisor": 4})
    assert instance["open_tasks"]
    app = create_app(service)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    db.engine.dispose()


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error_and_every_answer_is_as_documented(api_schema, mode):
    failures = {}
    for operation in operations(api_schema):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            run()
        except Unsatisfiable:  # nothing about this operation can be malformed (e.g. no parameters)
            assert mode is GenerationMode.NEGATIVE
        except Exception as exc:  # noqa: BLE001 - every operation is tried; all failures are reported
            failures[operation.label] = str(exc)[:3000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
