"""Two servers on one PostgreSQL database, started at the same moment, then raced against each other.

Losing a race is a 409 (or a retry that wins), never a 500: messages to an instance another request has
just moved on, the same bundle deployed by many at once, and two workers migrating and deploying at
start-up. Needs PostgreSQL (TVA_FLOW_TEST_DATABASE_URL); skipped with that reason otherwise.

Once both servers are up, the operator adds anna to the user directory and gets her a token with the
command line (`tva-flow users add`, `tva-flow token`); every request but the health check carries it.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PG_SKIP, PG_URL, ROOT, reset_postgres
from tests.test_cli import free_port

pytestmark = [pytest.mark.postgresql, pytest.mark.skipif(not PG_URL, reason=PG_SKIP)]
CLI = [str(Path(sys.executable).parent / "tva-flow")]


STAFF = ["--role", "caseworker", "--role", "tester", "--role", "process_owner", "--role", "integration",
         "--group", "asiantuntija", "--area", "helsinki"]


def call(url: str, body: dict | None = None, data: bytes | None = None, content_type="application/json",
         token: str | None = None):
    """(status, JSON body) of one request, signed in with ``token`` if given."""
    payload = data if data is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": content_type, **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=payload, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def tva_flow(*args: str) -> str:
    """Run the command line on the test database; its standard output."""
    done = subprocess.run([*CLI, *args, "--database-url", PG_URL], cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def two_servers(tmp_path):
    """Two `tva-flow serve` processes on one fresh PostgreSQL database, started together; and a token of
    anna (caseworker, tester, process owner and integration of Helsinki) from the command line."""
    reset_postgres(PG_URL)
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        servers.append(subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--database-url", PG_URL, "--deploy", str(FIXTURES)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        bases.append(f"http://127.0.0.1:{port}/api/v1")
    try:
        for server, base in zip(servers, bases):
            for _ in range(300):  # at most 30 s each
                if server.poll() is not None:
                    break
                try:
                    call(f"{base}/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
        assert "added anna" in tva_flow("users", "add", "anna", *STAFF)
        token = tva_flow("token", "anna", "--ttl", "8h")
        yield servers, bases, token
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def test_two_servers_started_together_on_one_database_both_come_up(two_servers):
    servers, bases, token = two_servers
    for server, base in zip(servers, bases):
        assert server.poll() is None, server.stdout.read()
        assert call(f"{base}/healthz") == (200, {"status": "ok", "database": "postgresql"})
        assert call(f"{base}/me", token=token)[1]["subject"] == "anna"  # both know her token
    definitions = [call(f"{base}/process-definitions", token=token)[1]["items"] for base in bases]
    assert [[(d["process_key"], d["versions"]) for d in items] for items in definitions] == \
        [[("fixture_review", [1])]] * 2  # both deployed the folder; one version, not two


def waiting_case(base: str, business_key: str, token: str) -> str:
    """A case (in anna's area, Helsinki) whose review anna has done and which now waits for the message
    `employed`."""
    status, instance = call(f"{base}/process-instances", {
        "process_key": "fixture_review", "business_key": business_key,
        "variables": {"review_due": "2099-01-01T12:00:00+02:00", "divisor": 4}}, token=token)
    assert status == 201, instance
    assert instance["area"] == "helsinki"
    task = instance["open_tasks"][0]["id"]
    status, done = call(f"{base}/tasks/{task}/complete", {"data": {"approved": True, "divisor": 4}}, token=token)
    assert status == 200, done
    return instance["id"]


def test_racing_messages_through_two_servers_get_200_once_and_409_otherwise(two_servers):
    _, bases, token = two_servers
    cases = {f"asiakas-{i}": waiting_case(bases[i % 2], f"asiakas-{i}", token) for i in range(10)}
    jobs = [(bases[j % 2], key) for key in cases for j in range(12)]  # 12 deliveries per case, 120 in all
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda job: (job[1], call(f"{job[0]}/messages",
                                                          {"name": "employed", "business_key": job[1]},
                                                          token=token)), jobs))
    statuses = [status for _, (status, _) in results]
    assert set(statuses) <= {200, 409}, [body for _, (status, body) in results if status not in (200, 409)]
    for key in cases:  # each case took its message exactly once, and finished
        assert [s for k, (s, _) in results if k == key].count(200) == 1
        assert call(f"{bases[0]}/process-instances/{cases[key]}", token=token)[1]["status"] == "completed"


def multipart(files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = "tva-flow-test-boundary"
    body = io.BytesIO()
    for name, content in files.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                   f"Content-Type: application/octet-stream\r\n\r\n".encode())
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def test_thirty_concurrent_deployments_of_one_changed_bundle_make_one_new_version(two_servers):
    _, bases, token = two_servers
    files = {path.name: path.read_bytes() for path in FIXTURES.iterdir()}
    files["fixture_review.bpmn"] = files["fixture_review.bpmn"].replace('name="Käsittely"'.encode(),
                                                                        'name="Käsittely 2"'.encode())
    data, content_type = multipart(files)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda i: call(f"{bases[i % 2]}/deployments", data=data, content_type=content_type,
                                               token=token), range(30)))
    assert {status for status, _ in results} <= {201, 409}, results
    created = [p["created"] for status, body in results if status == 201 for p in body["processes"]]
    assert created.count(True) == 1  # the others found it deployed: a no-op, not a version 3
    (definition,) = call(f"{bases[0]}/process-definitions", token=token)[1]["items"]
    assert definition["deployed_by"] == "anna"  # version 2 is hers; version 1 the servers' own at start-up
    assert definition["versions"] == [1, 2]
