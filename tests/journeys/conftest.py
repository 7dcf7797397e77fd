"""Journey fixtures: an HTTP client of the task API on the `service` fixture (real definitions, frozen clock)."""
import pytest

from tva_flow.api import create_app


@pytest.fixture
def client(service):
    return create_app(service).test_client()
