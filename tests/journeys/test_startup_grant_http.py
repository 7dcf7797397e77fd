"""The granted start-up grant journey through the HTTP API alone, as the applicant, a caseworker client and a
tester would, each signed in as themselves: the applicant applies in Helsinki (municipality 091).

Every task is completed with data its own form (fetched from GET /tasks/{id}) accepts; time moves only
through POST /clock/advance; along the way the API refuses bad requests with 422, 409 and 404 and the
instance is unchanged after each refusal. What the applicant was sent — the decisions and the payments —
is read from the outbox and from the customer's overview. A second journey stops the grant after a hearing:
the notice arrives as POST /messages, as the tax administration's integration would send it.
"""
from __future__ import annotations


from tests.journeys.test_startup_grant import (ALL_CONDITIONS_MET, APPLICANT, APPLICATION, CASEWORKER,
                                               CONTINUATION_APPLICATION, CONTINUATION_OK, MONTHLY,
                                               PAYMENT_APPLICATION, PAYMENT_OK, month_end, next_month)
from tests.identities import AREA, sign_in
from tests.journeys.http import API, advance, fill, ok, open_task, start, state
from tests.pages import every_page



def test_granted_journey_over_http(client):
    assert "startup_grant" in [d["process_key"] for d in every_page(client, f"{API}/process-definitions")]
    assert ok(client.get(f"{API}/clock")) == {"now": "2026-01-05T09:00:00+02:00", "simulated": True}
    instance = start(client, "startup_grant", APPLICANT, APPLICANT, municipality="091")
    iid = instance["id"]
    assert instance["status"] == "running" and instance["version"] == 1 and instance["area"] == AREA
    fill(client, iid, "submit_application", APPLICANT, APPLICATION)

    advance(client, "2026-01-07T10:00:00+02:00")
    caseworker = sign_in(client, CASEWORKER)
    assessment = open_task(caseworker, iid, "assess_application")
    assert assessment["candidate_group"] == "asiantuntija"
    before = state(client, iid)
    # 422: the form says every condition must be answered; nothing changes
    refused = caseworker.post(f"{API}/tasks/{assessment['id']}/complete",
                              json={"data": {"sufficient_skills": "kyllä"}})
    assert refused.status_code == 422 and refused.json["error"] == "invalid"
    assert {"sufficient_skills", "profitable_prospects"} <= set(refused.json["fields"])
    assert state(client, iid) == before
    # 404: no such task
    missing = caseworker.post(f"{API}/tasks/00000000-0000-0000-0000-000000000000/complete", json={"data": {}})
    assert missing.status_code == 404 and missing.json["error"] == "not_found"

    granted = fill(client, iid, "assess_application", CASEWORKER, ALL_CONDITIONS_MET)
    assert granted["variables"]["decision"]["end"] == "2026-07-31"
    # 409: completing the same task twice; nothing changes
    before = state(client, iid)
    twice = caseworker.post(f"{API}/tasks/{assessment['id']}/complete", json={"data": ALL_CONDITIONS_MET})
    assert twice.status_code == 409 and twice.json["error"] == "conflict"
    assert state(client, iid) == before

    # pending timers show their due dates: February's application opens 1.3.2026 at 00:00
    timers = before[0]["pending_timers"]
    assert {"element_id": "period_end_reached", "name": "Kuukausi päättyi",
            "due_at": "2026-03-01T00:00:00+02:00"} in timers
    assert {"element_id": "grant_period_ended", "name": "Tukikausi päättyi",
            "due_at": "2026-08-01T00:00:00+03:00"} in timers

    for month, _, amount in MONTHLY:
        if month == "2026-06":
            advance(client, "2026-06-15T09:00:00+03:00")
            fill(client, iid, "apply_continuation", APPLICANT, CONTINUATION_APPLICATION)
            fill(client, iid, "assess_continuation", CASEWORKER, CONTINUATION_OK)
        fired = advance(client, f"{next_month(month)}-03T09:00:00+02:00")
        assert any(f["element_id"] == "period_end_reached" for f in fired)
        application = open_task(client, iid, "apply_payment")
        fill(client, iid, "apply_payment", APPLICANT, PAYMENT_APPLICATION)
        fill(client, iid, "check_payment", CASEWORKER, PAYMENT_OK)
        assert application["due_at"] is not None

    final, history = state(client, iid)
    assert final["status"] == "completed" and final["ended_at"] == "2027-02-03T09:00:00+02:00"
    payments = [h["data"]["set"]["payment_result"] for h in history if h["element_id"] == "record_payment"]
    assert [p["amount_eur"] for p in payments] == [amount for _, _, amount in MONTHLY]
    assert final["open_tasks"] == [] and final["pending_timers"] == []
    # the history lists every step, in order, with its date
    kinds = [h["type"] for h in history]
    assert kinds[0] == "started" and kinds[-1] == "ended"
    assert kinds.count("task_completed") == 2 + 2 + 12 * 2
    # eligibility, terms, 12 daily amounts, the continuation — and the appeal instructions attached to the grant,
    # the 12 payments and the continuation
    assert kinds.count("decision_evaluated") == 1 + 1 + 12 + 1 + (1 + 12 + 1)
    paid_on = [h["at"][:10] for h in history if h["element_id"] == "record_payment"]
    assert paid_on[0] == "2026-03-03" and paid_on[-1] == "2027-02-03" and len(paid_on) == 12

    # the payments as the payer reads them: the outbox, each with the date it was sent
    paid = every_page(client, f"{API}/outbox", {"business_key": APPLICANT, "type": "payment"})
    assert [(o["date"], o["payload"]["start"], o["payload"]["end"], o["payload"]["amount_eur"]) for o in paid] == [
        (f"{next_month(month)}-03", f"{month}-01", month_end(month), amount) for month, _, amount in MONTHLY]
    assert {(o["instance_id"], o["recipient"], o["payload"]["status"]) for o in paid} == {(iid, "hakija", "paid")}
    assert [{k: v for k, v in o["payload"].items() if k != "appeal"} for o in paid] == [
        {"recipient": "hakija", **p} for p in payments]
    assert {(o["payload"]["appeal"]["remedy"], o["payload"]["appeal"]["time_limit_days"]) for o in paid} == {
        ("oikaisuvaatimus", 30)}
    assert round(sum(o["payload"]["amount_eur"] for o in paid), 2) == 9674.60
    # the decisions the applicant got
    decisions = every_page(client, f"{API}/outbox", {"business_key": APPLICANT, "recipient": "hakija"})
    assert [(o["date"], o["type"], o["payload"]["outcome"]) for o in decisions if o["type"] != "payment"] == [
        ("2026-01-07", "startup_grant_decision", "granted"),
        ("2026-06-15", "startup_grant_continuation_decision", "granted")]
    # the customer's overview: the case, nothing left to do, everything sent and the payments made
    overview = ok(client.get(f"{API}/customers/{APPLICANT}"))
    assert [(i["id"], i["status"]) for i in overview["instances"]] == [(iid, "completed")]
    assert overview["open_tasks"] == []
    assert overview["payments"] == paid
    assert len(overview["outbox"]) == 2 + 12
    assert every_page(client, f"{API}/process-instances", {
        "process_key": "startup_grant", "status": "completed"})[0]["id"] == iid
    # the applicant reads the same overview of their own case
    assert ok(sign_in(client, APPLICANT).get(f"{API}/customers/{APPLICANT}")) == overview


def test_a_grant_stopped_after_a_hearing_over_http(client):
    """The tax administration's integration reports on Wed 4.3.2026 that the business ended on 15.2.2026; a
    malformed report is refused with 422 and a second one while the applicant is heard with 409. The applicant
    answers, the caseworker finds no acceptable reason on Thu 19.3. and stops the grant from 16.2.: February was
    paid for 20 weekdays (744,20 €), 10 of them (16.–27.2.) after the stop: 372,10 € is recovered."""
    instance = start(client, "startup_grant", APPLICANT, APPLICANT, municipality="091")
    iid = instance["id"]
    fill(client, iid, "submit_application", APPLICANT, APPLICATION)
    advance(client, "2026-01-07T10:00:00+02:00")
    fill(client, iid, "assess_application", CASEWORKER, ALL_CONDITIONS_MET)
    advance(client, "2026-03-03T09:00:00+02:00")
    fill(client, iid, "apply_payment", APPLICANT, PAYMENT_APPLICATION)
    fill(client, iid, "check_payment", CASEWORKER, PAYMENT_OK, group="asiantuntija")

    advance(client, "2026-03-04T10:00:00+02:00")
    notice = {"name": "startup_grant_conditions_ceased", "business_key": APPLICANT,
              "variables": {"ceased_on": "2026-02-15", "reason": "business_ended", "source": "tax_administration"}}
    before = state(client, iid)
    bad = client.post(f"{API}/messages", json={**notice, "variables": {**notice["variables"], "ceased_on": "15.2."}})
    assert bad.status_code == 422 and bad.json["error"] == "process_failed"
    assert state(client, iid)[0] == before[0]
    delivered = ok(client.post(f"{API}/messages", json=notice))
    assert (delivered["instance_id"], delivered["element_id"]) == (iid, "conditions_ceased_reported")
    assert client.post(f"{API}/messages", json=notice).status_code == 409
    (request,) = every_page(client, f"{API}/outbox", {"business_key": APPLICANT, "type": "clarification_request"})
    assert (request["date"], request["recipient"], request["payload"]["answer_by"]) == (
        "2026-03-04", "asiakas", "2026-03-18")

    advance(client, "2026-03-05T10:00:00+02:00")
    fill(client, iid, "give_explanation", APPLICANT, {"explanation": "Yritys on tauolla, mutta jatkan keväällä."})
    advance(client, "2026-03-19T09:00:00+02:00")
    fill(client, iid, "assess_explanation", CASEWORKER, {"acceptable_reason": False,
                                                         "assessment": "Tauko ei ole päätoimista yrittäjyyttä."})
    stop_task = open_task(client, iid, "decide_stop")
    assert stop_task["candidate_group"] == "asiantuntija"
    fill(client, iid, "decide_stop", CASEWORKER, {"stop_date": "2026-02-16",
                                                  "stop_reasons": "Yritystoiminta päättyi 15.2.2026."})

    final, history = state(client, iid)
    assert final["status"] == "completed" and final["open_tasks"] == [] and final["pending_timers"] == []
    decisions = every_page(client, f"{API}/outbox", {"business_key": APPLICANT, "recipient": "hakija"})
    assert [(o["date"], o["type"]) for o in decisions][-2:] == [
        ("2026-03-19", "startup_grant_stop_decision"), ("2026-03-19", "startup_grant_recovery_decision")]
    stop, recovery = decisions[-2]["payload"], decisions[-1]["payload"]
    assert (stop["stop_date"], stop["last_paid_day"], stop["recovery_eur"]) == ("2026-02-16", "2026-02-15", 372.10)
    assert [p["period"] for p in stop["cancelled_periods"]] == [2, 3, 4, 5, 6]
    assert recovery["amount_eur"] == 372.10 == round(744.20 - 10 * 37.21, 2)
    # both say why, and that a rectification request goes to the employment authority within 30 days
    assert stop["reasons"] == ["Yritystoiminta päättyi 15.2.2026."] and "372,10 euroa" in recovery["reasons"][0]
    assert {(d["appeal"]["remedy"], d["appeal"]["time_limit_days"]) for d in (stop, recovery)} == {
        ("oikaisuvaatimus", 30)}
    assert [h["element_id"] for h in history if h["type"] == "end_event"][-1] == "grant_stopped"
    # the applicant sees both decisions in their own overview
    overview = ok(sign_in(client, APPLICANT).get(f"{API}/customers/{APPLICANT}"))
    assert {"startup_grant_stop_decision", "startup_grant_recovery_decision"} <= {o["type"] for o in overview["outbox"]}
