"""The job-seeker follow-up over the HTTP API with the simulated clock, as a caseworker client and a tester see it
(signed in as staff of area A); the job seeker registers themselves, in Helsinki.

For any registration date — weekends, Epiphany, Midsummer, Christmas and New Year included — the
`initial_interview` task listed by `GET /tasks` is due at the end of the 5th (job searches starting in
2025) or the 10th (from 1.1.2026) working day after the job search starts; time moves only through
`POST /clock/advance`, and the overdue flag comes exactly at `due_at`. The outbox and the sanction table
answer over HTTP too.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.conftest import DEFINITION_DIRS, ROOT
from tests.identities import AREA, sign_in, staff
from tests.journeys.test_job_seeker_followup import CASEWORKER, CUSTOMER, INTERVIEW, PLAN
from tva_flow.api import create_app
from tva_flow.cli import main as cli
from tests.pages import every_page

API = "/api/v1"

# (clock and job search start, last day of the interview, due_at, working days) — why, in the ids
REGISTRATIONS = [
    pytest.param("2026-01-05T09:00:00+02:00", "2026-01-20", "2026-01-21T00:00:00+02:00", 10,
                 id="mon-5.1.2026-epiphany-6.1-not-counted"),
    pytest.param("2026-01-10T11:00:00+02:00", "2026-01-23", "2026-01-24T00:00:00+02:00", 10,
                 id="sat-10.1.2026-counting-from-mon-12.1"),
    pytest.param("2026-06-18T09:00:00+03:00", "2026-07-03", "2026-07-04T00:00:00+03:00", 10,
                 id="thu-18.6.2026-midsummer-eve-19.6-not-counted"),
    pytest.param("2025-01-03T09:00:00+02:00", "2025-01-13", "2025-01-14T00:00:00+02:00", 5,
                 id="fri-3.1.2025-epiphany-mon-6.1.2025-not-counted"),
    pytest.param("2025-12-19T09:00:00+02:00", "2025-12-31", "2026-01-01T00:00:00+02:00", 5,
                 id="fri-19.12.2025-christmas-24-26.12-not-counted"),
]


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def client_on(make_service, sqlite_url, frozen, when: str):
    """A staff client of a service whose simulated clock starts at ``when``."""
    frozen.move_to(when)
    return staff(create_app(make_service(sqlite_url, DEFINITION_DIRS)))


def start(client, job_search_start: str, variables: dict | None = None) -> dict:
    """The job seeker, signed in as themselves, registers in Helsinki (municipality 091)."""
    instance = ok(sign_in(client, CUSTOMER).post(f"{API}/process-instances", json={
        "process_key": "job_seeker_followup", "business_key": CUSTOMER, "municipality": "091",
        "variables": {"job_search_start": job_search_start, "applies_for_benefit": True, **(variables or {})}}),
        201)
    assert instance["area"] == AREA
    return instance


def tasks(client) -> list[dict]:
    return every_page(client, f"{API}/tasks", {"business_key": CUSTOMER})


def advance(client, to: str) -> list[dict]:
    return ok(client.post(f"{API}/clock/advance", json={"to": to}))["fired"]


def fill(client, element_id: str, user: str, data: dict) -> dict:
    """``user`` signs in, finds the task among theirs, claims and completes it."""
    who = sign_in(client, user)
    (task,) = [t for t in tasks(who) if t["element_id"] == element_id]
    assert ok(who.post(f"{API}/tasks/{task['id']}/claim"))["assignee"] == user
    return ok(who.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}))


@pytest.mark.parametrize("registered, due_date, due_at, working_days", REGISTRATIONS)
def test_the_initial_interview_is_due_at_the_end_of_the_nth_working_day_for_any_registration_date(
        make_service, sqlite_url, frozen, registered, due_date, due_at, working_days):
    client = client_on(make_service, sqlite_url, frozen, registered)
    assert ok(client.get(f"{API}/clock")) == {"now": registered, "simulated": True}
    instance = start(client, registered[:10])

    (interview,) = tasks(client)
    assert interview["element_id"] == "initial_interview" and interview["candidate_group"] == "asiantuntija"
    assert (interview["due_date"], interview["due_at"]) == (due_date, due_at)
    history = every_page(client, f"{API}/process-instances/{instance['id']}/history")
    (deadline,) = [h for h in history if h["element_id"] == "determine_interview_deadline"]
    assert deadline["data"]["outputs"] == {"working_days": working_days}

    sent = every_page(client, f"{API}/outbox", {"business_key": CUSTOMER})
    assert [(o["date"], o["type"], o["recipient"]) for o in sent] == [
        (registered[:10], "registration_receipt", "asiakas"), (registered[:10], "labour_policy_statement", "kela")]
    assert sent[0]["payload"]["job_search_start"] == registered[:10]

    # Nothing fires before the last second of the last day; at due_at the overdue flag is raised.
    a_second_before = (datetime.fromisoformat(due_at) - timedelta(seconds=1)).isoformat()
    assert advance(client, a_second_before) == []
    fired = advance(client, due_at)
    assert [(f["element_id"], f["due_at"]) for f in fired] == [("initial_interview_overdue", due_at)]
    history = every_page(client, f"{API}/process-instances/{instance['id']}/history")
    (flag,) = [h for h in history if h["element_id"] == "record_interview_overdue"]
    assert flag["at"] == due_at and flag["data"]["set"]["initial_interview_overdue"] is True
    assert [t["element_id"] for t in tasks(client)] == ["initial_interview"]  # still to be held


def test_the_job_search_start_given_wins_over_the_registration_day(make_service, sqlite_url, frozen):
    """Recorded on Mon 5.1.2026, the job search started Wed 31.12.2025 (the 2025 rule: 5 working days;
    1.1. and 6.1. are holidays): the interview is due by Fri 9.1.2026."""
    client = client_on(make_service, sqlite_url, frozen, "2026-01-05T09:00:00+02:00")
    start(client, "2025-12-31")
    (interview,) = tasks(client)
    assert (interview["due_date"], interview["due_at"]) == ("2026-01-09", "2026-01-10T00:00:00+02:00")
    (receipt,) = every_page(client, f"{API}/outbox", {"business_key": CUSTOMER,
                                                               "type": "registration_receipt"})
    assert receipt["date"] == "2026-01-05"
    assert (receipt["payload"]["registered_on"], receipt["payload"]["job_search_start"]) == ("2026-01-05",
                                                                                             "2025-12-31")


def test_employed_over_http_ends_the_job_search_and_the_outbox_shows_each_step_on_its_date(
        make_service, sqlite_url, frozen):
    """Mon 5.1.2026 registered; Wed 14.1. interview and plan; Tue 3.2. POST /messages `employed`."""
    client = client_on(make_service, sqlite_url, frozen, "2026-01-05T09:00:00+02:00")
    instance = start(client, "2026-01-05")
    advance(client, "2026-01-14T10:00:00+02:00")
    fill(client, "initial_interview", CASEWORKER, INTERVIEW)
    fill(client, "draw_up_employment_plan", CASEWORKER, PLAN)
    (report,) = tasks(client)
    assert (report["element_id"], report["candidate_group"], report["due_date"]) == (
        "report_job_applications", "tyonhakija", "2026-02-13")

    advance(client, "2026-02-03T12:00:00+02:00")
    delivered = ok(client.post(f"{API}/messages", json={
        "name": "employed", "business_key": CUSTOMER,
        "variables": {"employment_start": "2026-02-09", "employer": "Kotkan satama Oy"}}))
    assert delivered == {"instance_id": instance["id"], "element_id": "customer_employed", "status": "completed"}
    assert tasks(client) == []
    sent = every_page(client, f"{API}/outbox", {"business_key": CUSTOMER})
    assert [(o["date"], o["type"], o["recipient"]) for o in sent] == [
        ("2026-01-05", "registration_receipt", "asiakas"), ("2026-01-05", "labour_policy_statement", "kela"),
        ("2026-01-14", "employment_plan", "asiakas"), ("2026-02-03", "status_change_statement", "kela")]
    assert sent[-1]["payload"]["details"]["employment_start"] == "2026-02-09"
    to_kela = every_page(client, f"{API}/outbox", {"business_key": CUSTOMER, "recipient": "kela"})
    assert [o["type"] for o in to_kela] == ["labour_policy_statement", "status_change_statement"]
    again = client.post(f"{API}/messages", json={"name": "employed", "business_key": CUSTOMER, "variables": {}})
    assert again.status_code == 409


@pytest.mark.parametrize("failure_date, failure_number, sanction, days, weeks, rule", [
    ("2026-03-10", 2, "6 viikon työssäolovelvoite", 0, 6, 6),
    ("2026-02-10", 2, "7 päivän korvaukseton määräaika", 7, 0, 2),
    ("2026-02-28", 1, "muistutus", 0, 0, 1),
    ("2026-03-01", 1, "7 päivän korvaukseton määräaika", 7, 0, 5),
    ("2026-02-10", 4, "12 viikon työssäolovelvoite", 0, 12, 4),
], ids=["10.3.2026-2nd-6-weeks", "10.2.2026-2nd-7-days", "28.2.2026-1st-reminder", "1.3.2026-1st-7-days",
        "10.2.2026-4th-12-weeks"])
def test_the_sanction_table_answers_over_http_by_the_failure_date(service, failure_date, failure_number, sanction,
                                                                   days, weeks, rule):
    client = staff(create_app(service))
    answer = ok(client.post(f"{API}/decisions/job_search_sanction/evaluate",
                            json={"inputs": {"failure_date": failure_date, "failure_number": failure_number,
                                              "earlier_sanction_running": False}}))
    assert answer["result"] == {"sanction": sanction, "benefit_days_lost": days, "work_requirement_weeks": weeks}
    (matched,) = answer["matched_rules"]
    assert matched["rule_id"] == f"job_search_sanction_rule_{rule}"
    assert "1290/2002" in matched["annotation"]  # the Unemployment Security Act: the table names its source


@pytest.mark.parametrize("failure_date, expected", [
    ("2026-03-10", {"sanction": "6 viikon työssäolovelvoite", "benefit_days_lost": 0, "work_requirement_weeks": 6}),
    ("2026-02-10", {"sanction": "7 päivän korvaukseton määräaika", "benefit_days_lost": 7,
                    "work_requirement_weeks": 0}),
], ids=["10.3.2026", "10.2.2026"])
def test_tva_flow_decide_job_search_sanction_gives_the_same_answers(capsys, failure_date, expected):
    """`tva-flow decide job_search_sanction --inputs '{"failure_date": …, "failure_number": 2}'`"""
    code = cli(["decide", "job_search_sanction", "--dir", str(ROOT / "dmn"),
                "--inputs", json.dumps({"failure_date": failure_date, "failure_number": 2,
                                            "earlier_sanction_running": False})])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == expected
