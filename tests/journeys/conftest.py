"""Journey fixtures: an HTTP client of the task API on the `service` fixture (real definitions, frozen clock),
signed in as anna, a member of staff of area A (caseworker, process owner, tester and integration)."""
import pytest

from tests.identities import staff
from tva_flow.api import create_app


@pytest.fixture
def client(service):
    return staff(create_app(service))
