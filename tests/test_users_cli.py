"""The operator's side of signing in: `tva-flow users add | list | remove`, `tva-flow token`, and
`tva-flow migrate-areas` for cases from before areas existed."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.conftest import FIXTURES, ROOT
from tva_flow.auth.directory import Directory, parse_ttl
from tva_flow.auth.tokens import Authenticator
from tva_flow.cli import main
from tva_flow.store.db import Database
from tva_flow.store.models import (
    MessageSubscription,
    OutboxEntry,
    ProcessDefinition,
    ProcessInstance,
    User,
    UserTask,
)

JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


@pytest.fixture
def cli(sqlite_url, capsys):
    """Run `tva-flow ...` on one database: (exit code, stdout, stderr)."""
    def run(*args, stdin: str | None = None):
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = main([*args, "--database-url", sqlite_url])
        finally:
            sys.stdin = sys.__stdin__
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_an_operator_adds_a_caseworker_lists_and_removes_her(cli):
    code, out, _ = cli("users", "add", "anna", "--role", "caseworker", "--group", "asiantuntija",
                       "--area", "helsinki", "--area", "vantaa", "--right", "reassign")
    assert code == 0
    assert out == "added anna: roles caseworker; groups asiantuntija; areas helsinki, vantaa; rights reassign\n"
    assert cli("users", "add", "ville", "--role", "customer")[0] == 0
    code, out, _ = cli("users", "list")
    users = [json.loads(line) for line in out.splitlines()]
    assert users == [
        {"name": "anna", "roles": ["caseworker"], "groups": ["asiantuntija"], "areas": ["helsinki", "vantaa"],
         "customers": [], "rights": ["reassign"], "has_password": False},
        {"name": "ville", "roles": ["customer"], "groups": [], "areas": [], "customers": ["ville"], "rights": [],
         "has_password": False}], "a customer with no --customer acts for themself"
    assert cli("users", "remove", "anna")[:2] == (0, "removed anna: their tokens no longer work\n")
    assert [json.loads(line)["name"] for line in cli("users", "list")[1].splitlines()] == ["ville"]
    code, out, err = cli("users", "remove", "anna")
    assert (code, out) == (1, "") and "no user named 'anna'" in err


def test_a_password_from_stdin_is_stored_as_argon2id_and_verifies(cli, sqlite_url):
    assert cli("users", "add", "anna", "--role", "caseworker", "--area", "*", "--password-stdin",
               stdin="kevät on ihanaa 2026\nthis second line is not read\n")[0] == 0
    db = Database(sqlite_url)
    with db.read() as session:
        assert session.get(User, "anna").password_hash.startswith("$argon2id$")
    directory = Directory(db)
    assert directory.verify_password("anna", "kevät on ihanaa 2026")
    assert not directory.verify_password("anna", "kevät on ihanaa 2025")
    assert not directory.verify_password("nobody", "kevät on ihanaa 2026")
    code, out, _ = cli("users", "list")
    assert json.loads(out)["has_password"] is True and "argon2" not in out
    code, _, err = cli("users", "add", "ville", "--role", "customer", "--password-stdin", stdin="\n")
    assert code == 1 and "password on stdin is empty" in err


@pytest.mark.parametrize("args, message", [
    (["--role", "wizard"], "roles: unknown role 'wizard'"),
    (["--role", "caseworker", "--area", "atlantis"], "areas: unknown area 'atlantis'"),
    (["--role", "caseworker", "--right", "everything"], "rights: unknown right 'everything'"),
    (["--role", "caseworker", "--group", " "], "groups: a group may not be empty"),
])
def test_a_user_with_an_unknown_role_area_or_right_is_refused_and_nothing_is_added(cli, args, message):
    code, out, err = cli("users", "add", "anna", *args)
    assert (code, out) == (1, "") and message in err
    assert cli("users", "list")[1] == ""


def test_a_name_is_taken_once_and_a_user_needs_a_role(cli):
    assert cli("users", "add", "anna", "--role", "caseworker")[0] == 0
    code, _, err = cli("users", "add", "anna", "--role", "auditor")
    assert code == 1 and "a user named 'anna' already exists" in err
    code, _, err = cli("users", "add", "bad\x07name", "--role", "auditor")
    assert code == 1 and "control characters" in err
    # a byte that is not UTF-8 on the command line arrives as a lone surrogate: refused, not a crash
    code, _, err = cli("users", "add", "bad\udc80name", "--role", "auditor")
    assert code == 1 and "control characters" in err
    with pytest.raises(SystemExit) as usage:
        cli("users", "add", "ville")
    assert usage.value.code == 2


def test_a_token_for_anna_is_printed_alone_and_signs_her_in_for_eight_hours(cli, sqlite_url, frozen):
    cli("users", "add", "anna", "--role", "caseworker", "--group", "asiantuntija", "--area", "helsinki")
    code, out, err = cli("token", "anna")
    assert code == 0 and JWT.fullmatch(out.rstrip("\n")) and out.count("\n") == 1, (out, err)
    anna = Authenticator(Directory(Database(sqlite_url))).actor(f"Bearer {out.strip()}")
    assert (anna.subject, anna.roles, anna.groups, anna.areas) == ("anna", {"caseworker"}, {"asiantuntija"},
                                                                   {"helsinki"})
    claims = jwt.decode(out.strip(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 8 * 3600
    assert claims["exp"] == int((datetime.now(UTC) + timedelta(hours=8)).timestamp())
    code, out, err = cli("token", "anna", "--ttl", "30m")
    claims = jwt.decode(out.strip(), options={"verify_signature": False})
    assert code == 0 and claims["exp"] - claims["iat"] == 30 * 60


def test_no_token_for_an_unknown_user_or_an_impossible_lifetime(cli):
    code, out, err = cli("token", "bob")
    assert (code, out) == (1, "") and "no user named 'bob'" in err
    cli("users", "add", "anna", "--role", "tester")
    code, out, err = cli("token", "anna", "--ttl", "31d")
    assert (code, out) == (1, "") and "at most 30 days" in err


@pytest.mark.parametrize("text, lifetime", [("8h", timedelta(hours=8)), ("30m", timedelta(minutes=30)),
                                            ("2d", timedelta(days=2)), ("90s", timedelta(seconds=90)),
                                            ("30d", timedelta(days=30)), ("1m", timedelta(minutes=1))])
def test_a_token_lifetime_is_a_number_and_a_unit(text, lifetime):
    assert parse_ttl(text) == lifetime


@pytest.mark.parametrize("text, problem", [("59s", "at least 1 minute"), ("0m", "at least 1 minute"),
                                           ("31d", "at most 30 days"), ("721h", "at most 30 days"),
                                           ("8 hours", "a number and a unit"), ("-1h", "a number and a unit"),
                                           ("", "a number and a unit"), ("1w", "a number and a unit")])
def test_a_token_lives_between_a_minute_and_thirty_days(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_ttl(text)


def test_the_token_command_writes_nothing_but_the_token_to_stdout(tmp_path):
    env = {"TVA_FLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "PATH": "/usr/bin:/bin"}
    cli = [sys.executable, "-m", "tva_flow.cli"]
    added = subprocess.run([*cli, "users", "add", "anna", "--role", "caseworker"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=60, check=False)
    assert added.returncode == 0, added.stderr
    token = subprocess.run([*cli, "token", "anna"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert token.returncode == 0 and JWT.fullmatch(token.stdout.rstrip("\n")), (token.stdout, token.stderr)


def add_cases_without_area(db) -> None:
    now = datetime(2026, 1, 5, 7, tzinfo=UTC)
    with db.unit_of_work() as session:
        definition = ProcessDefinition(process_key="p", version=1, name="p", bpmn_file="p.bpmn", bundle_hash="h",
                                       files={}, deployed_at=now)
        session.add(definition)
        session.flush()
        for id_, area in (("old-1", None), ("old-2", None), ("new-1", "turku")):
            session.add(ProcessInstance(id=id_, definition_id=definition.id, process_key="p", version=1,
                                        business_key="010190-123A", area=area, status="running", started_at=now,
                                        updated_at=now, variables={}, state="{}"))
            session.flush()
            session.add(UserTask(id=f"task-{id_}", instance_id=id_, element_id="t", name="t", status="open",
                                 created_at=now, data={}, process_key="p", business_key="010190-123A", area=area))
        session.add(OutboxEntry(instance_id="old-1", process_key="p", business_key="010190-123A", at=now, type="x"))
        session.add(MessageSubscription(instance_id="old-2", task_id="t", element_id="e", message_name="m",
                                        business_key="010190-123A", created_at=now))


def test_cases_from_before_areas_get_the_default_area_and_the_others_keep_theirs(cli, sqlite_url):
    db = Database(sqlite_url)
    add_cases_without_area(db)
    code, out, _ = cli("migrate-areas", "--default", "helsinki")
    assert code == 0
    assert json.loads(out) == {"process_instances": 2, "user_tasks": 2, "outbox": 1, "message_subscriptions": 1}
    with db.read() as session:
        assert {i.id: i.area for i in session.query(ProcessInstance)} == {
            "old-1": "helsinki", "old-2": "helsinki", "new-1": "turku"}
    assert json.loads(cli("migrate-areas", "--default", "helsinki")[1]) == {
        "process_instances": 0, "user_tasks": 0, "outbox": 0, "message_subscriptions": 0}


def test_migrate_areas_refuses_an_area_that_does_not_exist(cli):
    code, out, err = cli("migrate-areas", "--default", "atlantis")
    assert (code, out) == (1, "") and "unknown area 'atlantis'" in err and "helsinki" in err


def test_serve_on_an_empty_directory_says_how_to_add_the_first_user(sqlite_url, capsys, monkeypatch):
    import werkzeug.serving
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: None)
    serve = ["serve", "--simulated-clock", "--database-url", sqlite_url, "--deploy", str(FIXTURES)]
    assert main(serve) == 0
    out = capsys.readouterr().out
    assert f"tva-flow users add anna --role caseworker --group asiantuntija --area helsinki --database-url " \
           f"{sqlite_url}" in out
    assert f"tva-flow token anna --database-url {sqlite_url}" in out
    Directory(Database(sqlite_url)).add("anna", ["caseworker"])
    assert main(serve) == 0
    assert "users add" not in capsys.readouterr().out
