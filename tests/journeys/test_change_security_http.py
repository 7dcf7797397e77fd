"""Change security over the HTTP API alone, with the simulated clock: the employer's integration sends the
notice and the list of the dismissed (`POST /messages`), the caseworker, the staff representative and the
dismissed employee each complete their tasks through their forms (`POST /tasks/{id}/complete`), the employee
registers as a job seeker (`POST /process-instances`), and time moves only through `POST /clock/advance`.
Both cases run to their end."""
from __future__ import annotations

from tests.identities import sign_in, staff
from tests.journeys.test_change_security import CASEWORKER, EEVA, EMPLOYER, MAPPING, NOTICE, PLAN, dismissed
from tests.journeys.test_job_seeker_followup_http import API, advance, client_on, ok
from tests.pages import every_page


def tasks_of(client, business_key: str) -> list[dict]:
    return every_page(client, f"{API}/tasks", {"business_key": business_key})


def complete(client, user: str, business_key: str, element_id: str, data: dict) -> dict:
    """``user`` signs in, finds the task among theirs, claims it and sends its form."""
    who = sign_in(client, user)
    (task,) = [t for t in tasks_of(who, business_key) if t["element_id"] == element_id]
    ok(who.post(f"{API}/tasks/{task['id']}/claim"))
    return ok(who.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}))


def status(client, instance_id: str) -> str:
    return ok(client.get(f"{API}/process-instances/{instance_id}"))["status"]


def test_from_the_notice_of_2_9_2025_to_eeva_s_training_billed_on_1_4_2026(make_service, sqlite_url, frozen):
    client = client_on(make_service, sqlite_url, frozen, "2025-09-02T09:00:00+03:00")
    notice = ok(client.post(f"{API}/messages", json={"name": "change_negotiation_notice", "business_key": EMPLOYER,
                                                     "variables": NOTICE}))
    assert notice["started"] is True and notice["element_id"] == "negotiation_notice_received"
    employer_case = notice["instance_id"]
    (mapping,) = tasks_of(client, EMPLOYER)
    assert (mapping["element_id"], mapping["due_date"]) == ("map_service_needs", "2025-09-23")

    complete(client, CASEWORKER, EMPLOYER, "map_service_needs", MAPPING)
    complete(client, CASEWORKER, EMPLOYER, "draft_action_plan", PLAN)
    ok(client.post(f"{API}/messages", json={"name": "staff_representative_view", "business_key": EMPLOYER,
                                            "variables": {"staff_view": "Kannatamme", "agrees_with_plan": True}}))
    advance(client, "2025-10-01T09:00:00+03:00")
    ok(client.post(f"{API}/messages", json={"name": "dismissal_list", "business_key": EMPLOYER,
                                            "variables": {"dismissed": [dismissed(EEVA, 57, 6)]}}))
    assert status(client, employer_case) == "completed"
    (eeva_case,) = every_page(client, f"{API}/process-instances", {"business_key": EEVA,
                                                                   "process_key": "change_security_employee"})

    advance(client, "2025-11-20T09:00:00+02:00")
    eeva = sign_in(client, EEVA)
    ok(eeva.post(f"{API}/process-instances", json={
        "process_key": "job_seeker_followup", "business_key": EEVA, "municipality": "091",
        "variables": {"applies_for_benefit": True, "change_security": True}}), 201)
    complete(client, EEVA, EEVA, "apply_training", {
        "training_name": "Hitsaajan koulutus", "provider": "Ammattiopisto", "training_start": "2026-01-02",
        "training_end": "2026-03-31", "cost_eur": 6000})
    complete(client, CASEWORKER, EEVA, "assess_training", {"training_suitable": True, "assessment_reasoning": "Sopii"})
    advance(client, "2026-04-01T09:00:00+03:00")
    complete(client, CASEWORKER, EEVA, "record_training_costs", {"actual_cost_eur": 6000, "training_completed": True})
    assert status(client, eeva_case["id"]) == "completed"

    sent = every_page(staff(client), f"{API}/outbox", {"business_key": EEVA})
    change_security = [(o["date"], o["type"], o["recipient"]) for o in sent
                       if o["type"] in ("training_decision", "training_invoice")
                       or o["payload"].get("statement_type") == "change_security"]
    assert change_security == [("2025-11-20", "labour_policy_statement", "kela"),
                               ("2025-11-20", "training_decision", "tyontekija"),
                               ("2026-04-01", "training_invoice", "tyollisyysrahasto")]
