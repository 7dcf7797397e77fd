"""The CLI and the server as a newcomer meets them: validate, deploy, serve (real process, real port)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import DEFINITION_DIRS, FIXTURES, ROOT
from tva_flow.engine.clock import SystemClock
from tva_flow.scheduler import start_timer_loop
from tva_flow.service import TvaFlow
from tva_flow.store.db import Database
from tests.pages import every
from tests.identities import SYSTEM

CLI = [sys.executable, "-m", "tva_flow.cli"]


def run(*args, env=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **(env or {})})


def test_validate_passes_the_shipped_definitions_and_fails_a_broken_one(tmp_path):
    shipped = run("validate", *map(str, DEFINITION_DIRS))
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    (tmp_path / "broken.schema.json").write_text('{"type": 12}')
    broken = run("validate", str(tmp_path))
    assert broken.returncode == 1 and "broken.schema.json: not a valid JSON Schema" in broken.stdout


def test_deploy_creates_the_database_and_reports_versions(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    result = run("deploy", str(FIXTURES), env={"TVA_FLOW_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["processes"][0]["process_key"] == "fixture_review"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "bad.bpmn").write_text("<bpmn:definitions>")
    refused = run("deploy", str(bad), env={"TVA_FLOW_DATABASE_URL": url})
    assert refused.returncode == 1 and "bad.bpmn" in refused.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, data: dict | None = None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None,
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def serve(tmp_path, *options):
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--database-url", f"sqlite:///{tmp_path / 's.sqlite3'}", *options],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    for _ in range(100):  # wait (bounded) for the server to answer
        try:
            get(f"{base}/healthz")
            break
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    return server, base


def stop(server) -> str:
    server.terminate()
    return server.communicate(timeout=10)[0]


def test_serve_deploys_the_folders_and_the_simulated_clock_survives_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    server, base = serve(tmp_path, "--simulated-clock", "--start", "2026-01-05T09:00:00+02:00")
    # what a newcomer does next, as the server told them: add a first user and get a token
    added = run("users", "add", "tessa", "--role", "tester", "--role", "process_owner", "--area", "helsinki",
                "--database-url", url)
    assert added.returncode == 0, added.stderr
    token = run("token", "tessa", "--database-url", url).stdout.strip()
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"{base}/clock")
        assert refused.value.code == 401
        assert "startup_grant" in [d["process_key"] for d in get(f"{base}/process-definitions", token=token)["items"]]
        assert get(f"{base}/clock", token=token) == {"now": "2026-01-05T09:00:00+02:00", "simulated": True}
        assert get(f"{base}/clock/advance", {"duration": "P1M"}, token)["now"] == "2026-02-05T09:00:00+02:00"
    finally:
        output = stop(server)
    assert "users add" in output and "token" in output  # the first-user hint
    # The same command again: the database keeps its simulated time; --start only sets a new database's.
    server, base = serve(tmp_path, "--simulated-clock", "--start", "2026-01-05T09:00:00+02:00")
    try:
        assert get(f"{base}/clock", token=token) == {"now": "2026-02-05T09:00:00+02:00", "simulated": True}
    finally:
        output = stop(server)
    assert "--start 2026-01-05" in output and "is ignored" in output
    assert "users add" not in output  # there is a user now
    # A real-time server must not drive a simulated database's timers.
    server, _ = serve(tmp_path)
    assert server.wait(timeout=30) == 2
    assert "runs on a simulated clock" in server.communicate()[0]


def test_the_timer_loop_fires_a_timer_that_falls_due_in_real_time(sqlite_url):
    service = TvaFlow(Database(sqlite_url), SystemClock())
    service.deploy_paths(SYSTEM, [FIXTURES])
    due = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat()
    instance = service.start_instance(SYSTEM, "fixture_review", "010190-123A", {"review_due": due, "divisor": 1})
    scheduler = start_timer_loop(service, interval_seconds=0.2)
    try:
        for _ in range(100):  # at most 10 s
            if service.get_instance(SYSTEM, instance["id"])["status"] == "completed":
                break
            time.sleep(0.1)
    finally:
        scheduler.shutdown(wait=True)
    assert service.get_instance(SYSTEM, instance["id"])["status"] == "completed"
    assert [h["type"] for h in every(service.history, SYSTEM, instance["id"])].count("timer_fired") == 1


def test_validate_and_deploy_name_a_folder_that_does_not_exist():
    result = run("validate", "/no/such/folder")
    assert result.returncode == 2 and "no such file or folder: /no/such/folder" in result.stderr
