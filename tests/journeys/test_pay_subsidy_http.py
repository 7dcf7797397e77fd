"""A pay-subsidy application driven end to end through the HTTP API alone, as an employer portal, a caseworker
client and a tester would, each signed in as themselves (the employer, of Helsinki, as a customer): each task
completed with data its own form (GET /tasks/{id}) accepts, time moved only through POST /clock/advance, the
payments read from the outbox.

Basic subsidy (statutory-rules.md §2): applied Mon 5.1.2026 for an employment 1.2.–31.12.2026, decided Wed
7.1.2026: 50 %, at most 1 260 €/month, 5 months 1.2.–30.6.2026; every payment application due by Wed 30.9.2026.
A refusal comes only after the employer was asked for more information, which the employer answers over HTTP.
Every decision in the outbox carries its reasons and the instructions for a rectification request (oikaisuvaatimus)
to the employment authority within 30 days of service (dmn/appeal_instructions.dmn).
"""
from __future__ import annotations


from tests.journeys.test_pay_subsidy import (APPLICATION, CASEWORKER, EMPLOYER, EMPLOYER_OK, PAYMENT_OK, PERSON_OK,
                                             REASSESSED)
from tests.identities import AREA, sign_in
from tests.journeys.http import API, advance, fill, ok, open_task, start as start_case
from tests.pages import every_page



def test_pay_subsidy_over_http(client):
    assert "pay_subsidy" in [d["process_key"] for d in every_page(client, f"{API}/process-definitions")]
    assert ok(client.get(f"{API}/clock")) == {"now": "2026-01-05T09:00:00+02:00", "simulated": True}
    # the terms on their own, as a caseworker would look them up
    terms = ok(client.post(f"{API}/decisions/pay_subsidy_terms/evaluate", json={"inputs": {
        "decision_date": "2026-01-07", "category": "basic", "unemployed_months_of_last_28": 8}}))
    assert terms["result"] == {"percent": 50, "monthly_cap_eur": 1260, "max_months": 5}
    # … and the payment deadline: the last pay period ends 15.5.2026 → 31.8.2026; July 2026 → Sat 31.10. → Mon 2.11.
    for last, due in (("2026-05-15", "2026-08-31"), ("2026-07-15", "2026-11-02")):
        deadline = ok(client.post(f"{API}/decisions/pay_subsidy_payment_deadline/evaluate", json={"inputs": {
            "decision_date": "2026-01-07", "last_pay_period_end": last}}))
        assert deadline["result"] == due

    instance = start_case(client, "pay_subsidy", EMPLOYER, EMPLOYER, area=AREA)
    iid = instance["id"]
    assert instance["area"] == AREA
    employer = sign_in(client, EMPLOYER)
    # 422: the form wants a y-tunnus of the form 1234567-8; nothing changes
    task = open_task(employer, iid, "submit_application")
    refused = employer.post(f"{API}/tasks/{task['id']}/complete",
                            json={"data": {**APPLICATION, "business_id": "1234567"}})
    assert refused.status_code == 422 and "business_id" in refused.json["fields"]
    fill(client, iid, "submit_application", EMPLOYER, group="tyonantaja", data=APPLICATION)

    advance(client, "2026-01-07T10:00:00+02:00")
    fill(client, iid, "check_person", CASEWORKER, group="asiantuntija", data=PERSON_OK)
    fill(client, iid, "check_employer", CASEWORKER, group="asiantuntija", data=EMPLOYER_OK)
    (decision,) = every_page(client, f"{API}/outbox", {"business_key": EMPLOYER,
                                                                "type": "pay_subsidy_decision"})
    assert decision["date"] == "2026-01-07" and decision["recipient"] == EMPLOYER
    assert (decision["payload"]["start"], decision["payload"]["end"]) == ("2026-02-01", "2026-06-30")
    assert decision["payload"]["payment_deadline"] == "2026-09-30"
    assert (decision["payload"]["appeal"]["remedy"], decision["payload"]["appeal"]["time_limit_days"]) == (
        "oikaisuvaatimus", 30)
    assert decision["payload"]["reasons"][0].startswith("Palkattava kuuluu palkkatuen kohderyhmään")
    # the instructions on their own, as a caseworker would look them up
    appeal = ok(client.post(f"{API}/decisions/appeal_instructions/evaluate", json={"inputs": {
        "decision_type": "pay_subsidy_decision", "decision_date": "2026-01-07"}}))
    assert appeal["result"] == decision["payload"]["appeal"]

    applications = [("2026-03-03T09:00:00+02:00", "2026-02-01", "2026-02-28", 3000),
                    ("2026-04-02T09:00:00+03:00", "2026-03-01", "2026-03-31", 2400),
                    ("2026-07-02T09:00:00+03:00", "2026-04-01", "2026-06-30", 9000)]
    for when, start, end, costs in applications:
        fired = advance(client, when)
        assert any(f["element_id"] == "payment_application_opens" for f in fired)
        # the employer's own view: what it must do now
        mine = ok(employer.get(f"{API}/customers/{EMPLOYER}", query_string={"candidate_group": "tyonantaja"}))
        assert [t["element_id"] for t in mine["open_tasks"]] == ["apply_payment"]
        fill(client, iid, "apply_payment", EMPLOYER, group="tyonantaja", data={
            "period_start": start, "period_end": end, "pay_costs_eur": costs, "working_time_percent": 100})
        fill(client, iid, "check_payment", CASEWORKER, group="asiantuntija", data=PAYMENT_OK)

    paid = every_page(client, f"{API}/outbox", {"business_key": EMPLOYER, "type": "payment"})
    assert [(p["date"], p["payload"]["period_start"], p["payload"]["period_end"], p["payload"]["pay_costs_eur"],
             p["payload"]["cap_eur"], p["payload"]["amount_eur"]) for p in paid] == [
        ("2026-03-03", "2026-02-01", "2026-02-28", 3000, 1260.0, 1260.0),
        ("2026-04-02", "2026-03-01", "2026-03-31", 2400, 1260.0, 1200.0),
        ("2026-07-02", "2026-04-01", "2026-06-30", 9000, 3780.0, 3780.0)]
    assert all(p["recipient"] == EMPLOYER and p["payload"]["percent"] == 50 for p in paid)
    assert [p["payload"]["decision_date"] for p in paid] == ["2026-03-03", "2026-04-02", "2026-07-02"]
    assert all(p["payload"]["appeal"]["remedy"] == "oikaisuvaatimus" and p["payload"]["appeal"]["time_limit_days"] == 30
               and len(p["payload"]["reasons"]) == 2 for p in paid)

    final = ok(client.get(f"{API}/process-instances/{iid}"))
    assert final["status"] == "completed" and final["ended_at"] == "2026-07-02T09:00:00+03:00"
    assert final["open_tasks"] == [] and final["pending_timers"] == []
    overview = ok(client.get(f"{API}/customers/{EMPLOYER}"))
    assert [p["payload"]["amount_eur"] for p in overview["payments"]] == [1260.0, 1200.0, 3780.0]
    history = every_page(client, f"{API}/process-instances/{iid}/history")
    kinds = [h["type"] for h in history]
    assert kinds[0] == "started" and kinds[-1] == "ended"
    assert kinds.count("message_sent") == 1 + 3
    assert kinds.count("task_completed") == 3 + 3 * 2


def test_a_refusal_over_http_comes_after_the_employer_answers_a_request_for_more_information(client):
    """The employment would start Tue 6.1.2026, before the decision: on Wed 7.1. the employer is asked for more
    information (due Wed 21.1.), answers in its own portal on Fri 9.1., and the caseworker decides the same day."""
    iid = start_case(client, "pay_subsidy", EMPLOYER, EMPLOYER, area=AREA)["id"]
    fill(client, iid, "submit_application", EMPLOYER, group="tyonantaja",
         data={**APPLICATION, "employment_start": "2026-01-06"})
    advance(client, "2026-01-07T10:00:00+02:00")
    fill(client, iid, "check_person", CASEWORKER, group="asiantuntija", data=PERSON_OK)
    fill(client, iid, "check_employer", CASEWORKER, group="asiantuntija", data=EMPLOYER_OK)
    assert every_page(client, f"{API}/outbox", {"business_key": EMPLOYER, "type": "pay_subsidy_decision"}) == []
    (request,) = every_page(client, f"{API}/outbox", {"business_key": EMPLOYER,
                                                       "type": "pay_subsidy_information_request"})
    assert (request["date"], request["payload"]["due_date"]) == ("2026-01-07", "2026-01-21")
    employer = sign_in(client, EMPLOYER)
    mine = ok(employer.get(f"{API}/customers/{EMPLOYER}", query_string={"candidate_group": "tyonantaja"}))
    assert [(t["element_id"], t["due_date"]) for t in mine["open_tasks"]] == [("provide_information", "2026-01-21")]
    advance(client, "2026-01-09T09:00:00+02:00")
    fill(client, iid, "provide_information", EMPLOYER, group="tyonantaja",
         data={"information_answer": "Työsuhde alkoi jo 6.1.2026."})
    fill(client, iid, "reassess_application", CASEWORKER, group="asiantuntija", data=REASSESSED)
    (decision,) = every_page(client, f"{API}/outbox", {"business_key": EMPLOYER, "type": "pay_subsidy_decision"})
    assert decision["date"] == "2026-01-09" and decision["payload"]["outcome"] == "refused"
    assert decision["payload"]["information_given"] is True
    assert decision["payload"]["reasons"] == [
        ("Työsuhde on alkanut tai alkaa ennen palkkatukipäätöstä eikä jakso jatku välittömästi aiemman "
         "palkkatukijakson jälkeen")]
    assert (decision["payload"]["appeal"]["remedy"], decision["payload"]["appeal"]["time_limit_days"]) == (
        "oikaisuvaatimus", 30)
    assert ok(client.get(f"{API}/process-instances/{iid}"))["status"] == "completed"
