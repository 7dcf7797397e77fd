"""A journey across a change of the rules: each evaluation takes the rule in force on the date the law names.

The daily amount of the start-up grant is read from `dmn/startup_grant_daily_amount.dmn` by the start of
each payment period: periods starting in 2025 match the 2024–2025 row, periods from 1.1.2026 the 2026 row.
Both evaluations, with the rule that decided and its source, are in the instance's history.
"""
from __future__ import annotations

from tests.conftest import DEFINITION_DIRS
from tests.journeys.journey import Journey
from tests.journeys.test_startup_grant import (ALL_CONDITIONS_MET, APPLICANT, APPLICATION, CASEWORKER,
                                               PAYMENT_APPLICATION, PAYMENT_OK)


def test_payment_periods_before_and_after_new_year_2026_use_the_rule_in_force_for_each(make_service, sqlite_url,
                                                                                         frozen):
    frozen.move_to("2025-10-06T09:00:00+03:00")  # Monday 6.10.2025
    service = make_service(sqlite_url, DEFINITION_DIRS)
    journey = Journey(service, "startup_grant", APPLICANT)
    journey.start(user=APPLICANT)
    journey.do("submit_application", APPLICANT, {**APPLICATION, "business_start_date": "2025-11-01"})
    journey.do("assess_application", CASEWORKER, ALL_CONDITIONS_MET)
    (terms,) = journey.history("decision_evaluated", "determine_terms")
    assert [r["rule_id"] for r in terms["data"]["matched_rules"]] == ["startup_grant_terms_rule_2"]  # Act 380/2023

    for paid_on in ("2025-12-03", "2026-01-05", "2026-02-03"):  # November, December, January
        journey.on(f"{paid_on}T09:00:00+02:00")
        journey.do("apply_payment", APPLICANT, PAYMENT_APPLICATION)
        journey.do("check_payment", CASEWORKER, PAYMENT_OK)

    evaluations = journey.history("decision_evaluated", "determine_daily_amount")
    assert [(e["at"][:10], e["data"]["inputs"], [r["rule_id"] for r in e["data"]["matched_rules"]])
            for e in evaluations] == [
        ("2025-12-03", {"Maksukauden alkupäivä": "2025-11-01"}, ["startup_grant_daily_amount_rule_1"]),
        ("2026-01-05", {"Maksukauden alkupäivä": "2025-12-01"}, ["startup_grant_daily_amount_rule_1"]),
        ("2026-02-03", {"Maksukauden alkupäivä": "2026-01-01"}, ["startup_grant_daily_amount_rule_2"]),
    ]
    assert "2024–2025" in evaluations[0]["data"]["matched_rules"][0]["annotation"]
    assert "2026" in evaluations[2]["data"]["matched_rules"][0]["annotation"]
    assert [e["data"]["outputs"] for e in evaluations] == [{"daily_amount_eur": 37.21}] * 3
    amounts = [p["amount_eur"] for p in journey.set_by("record_payment", "payment_result")]
    assert amounts == [round(20 * 37.21, 2), round(23 * 37.21, 2), round(22 * 37.21, 2)]  # weekdays 11/2025, 12/2025, 1/2026
