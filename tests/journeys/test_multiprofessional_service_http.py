"""The multi-professional service over the HTTP API alone, with the simulated clock: the job seeker registers
(`POST /process-instances`), the caseworker interviews and hands over, the customer consents, the employment
authority, the wellbeing services county and Kela each complete their part of the assessment through their
forms, the county's system tells that a service started (`POST /messages`), time moves only through
`POST /clock/advance`, and at the review of 2.8.2026 the three authorities end the service: the customer is
back in the job-seeker follow-up with an employment plan, the service case completed."""
from __future__ import annotations

from tests.identities import sign_in
from tests.journeys.http import API, advance, fill, ok
from tests.journeys.test_job_seeker_followup_http import client_on, start
from tests.journeys.test_multiprofessional_service import (
    CASEWORKER, CUSTOMER, EMPLOYMENT, EMPLOYMENT_PLAN, GROUPS, INTERVIEW, NEEDED, PLAN, REHABILITATION, SOCIAL)
from tests.pages import every_page


def test_from_the_hand_over_of_5_1_2026_to_the_employment_plan_of_2_8_2026(make_service, sqlite_url, frozen):
    client = client_on(make_service, sqlite_url, frozen, "2026-01-05T09:00:00+02:00")
    for user, group in GROUPS.items():  # the county's and Kela's experts and the supervisor have their own groups
        sign_in(client, user, roles=["caseworker"], groups=[group])
    follow_up = start(client, "2026-01-05")["id"]
    fill(client, follow_up, "initial_interview", CASEWORKER, INTERVIEW)
    (case,) = every_page(client, f"{API}/process-instances", {"business_key": CUSTOMER,
                                                             "process_key": "multiprofessional_service"})
    case = case["id"]

    fill(client, case, "give_consent", CUSTOMER, {"consent_given": True}, group="asiakas")
    fill(client, case, "assess_employment", CASEWORKER, EMPLOYMENT, group="asiantuntija")
    fill(client, case, "assess_social_and_health", "sanna.sosiaalityo", SOCIAL, group="hyvinvointialue")
    fill(client, case, "assess_rehabilitation", "kalle.kela", REHABILITATION, group="kela")
    fill(client, case, "record_joint_finding", CASEWORKER, NEEDED)
    advance(client, "2026-02-02T10:00:00+02:00")
    fill(client, case, "draw_up_plan", CASEWORKER, PLAN)

    advance(client, "2026-03-02T09:00:00+02:00")
    ok(client.post(f"{API}/messages", json={"name": "service_started", "business_key": CUSTOMER, "variables": {
        "service": "kuntouttava työtoiminta", "service_start": "2026-03-02", "service_end": "2026-05-29"}}))
    advance(client, "2026-05-02T09:00:00+03:00")
    fill(client, case, "review_obligation_part", CASEWORKER, {"work_situation": "unemployed", "obligation_lowered": True,
                                                             "lowered_obligation": 2, "obligation_lowered_reason": "Kuntoutus"})
    advance(client, "2026-08-02T09:00:00+03:00")
    fill(client, case, "review_plan", CASEWORKER, {"coordinated_services_still_needed": False, "kela_took_part": True,
                                                  "review_notes": "Yhteensovitettuja palveluja ei enää tarvita"})
    fill(client, case, "draw_up_employment_plan", CASEWORKER, EMPLOYMENT_PLAN)

    assert ok(client.get(f"{API}/process-instances/{case}"))["status"] == "completed"
    assert ok(client.get(f"{API}/process-instances/{follow_up}"))["status"] == "running"
    sent = [(o["date"], o["type"], o["recipient"]) for o in every_page(client, f"{API}/outbox", {"business_key": CUSTOMER})
            if o["type"] in ("multiprofessional_service_handover", "multiprofessional_plan", "handover_to_employment_plan")
            or o["payload"].get("plan_type") == "multiprofessional_plan" and o["type"] == "labour_policy_statement"]
    assert sent == [("2026-01-05", "multiprofessional_service_handover", "multiprofessional_service"),
                    ("2026-02-02", "multiprofessional_plan", "asiakas"),
                    ("2026-03-02", "labour_policy_statement", "kela"),
                    ("2026-05-02", "multiprofessional_plan", "asiakas"),
                    ("2026-08-02", "handover_to_employment_plan", "asiakas")]
    history = every_page(client, f"{API}/process-instances/{follow_up}/history")
    received = [h["data"]["message"] for h in history if h["type"] == "message_received"
                and h["element_id"] in ("service_plan_received", "returned_to_employment_plan", "await_service_plan")]
    assert received == ["multiprofessional_plan", "multiprofessional_plan", "handover_to_employment_plan"]
