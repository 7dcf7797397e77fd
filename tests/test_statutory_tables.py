"""The start-up grant's statutory tables (dmn/) as the law reads, evaluated as `tva-flow decide` does."""
from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tva_flow.engine.definitions import read_dirs
from tva_flow.service import evaluate_in_files
from tva_flow.validation import validate_files

TABLES = {n: c for n, c in read_dirs([ROOT / "dmn"]).items()}
CONDITIONS_MET = {
    "sufficient_skills": True, "full_time_entrepreneur": True, "profitable_prospects": True,
    "grant_needed_for_livelihood": True, "reasonable_living_at_once": False, "distorts_competition": False,
    "neglected_taxes_or_contributions": False, "livelihood_otherwise_secured": False,
}


def decide(decision, **inputs):
    return evaluate_in_files(TABLES, decision, inputs)


def test_every_statutory_table_passes_validate_with_no_warnings_and_names_its_sources():
    assert validate_files(TABLES) == []
    for name, content in TABLES.items():
        assert b"<dmndi:DMNShape" in content, f"{name} has no DMNDI: the modeller would show no decision"


def test_starting_before_the_decision_was_refused_until_2025_and_allowed_at_own_risk_from_2025():
    old = decide("startup_grant_eligibility", **CONDITIONS_MET, business_start_date="2024-06-01",
                 application_date="2024-05-02", decision_date="2024-06-15")
    new = decide("startup_grant_eligibility", **CONDITIONS_MET, business_start_date="2025-06-01",
                 application_date="2025-05-02", decision_date="2025-06-15")
    assert old["result"] == ["Yritystoiminta on aloitettu ennen starttirahapäätöstä"]
    assert "916/2012" in old["matched_rules"][0]["annotation"]
    assert new["result"] == []


def test_starting_before_the_application_is_refused_under_both_acts():
    for day in ("2024-05-02", "2026-05-04"):
        answer = decide("startup_grant_eligibility", **CONDITIONS_MET, business_start_date="2024-01-01",
                        application_date=day, decision_date=day)
        assert "Yritystoiminta on aloitettu ennen starttirahahakemuksen jättämistä" in answer["result"]


@pytest.mark.parametrize("decision_date, rule", [("2024-12-31", 1), ("2025-01-01", 2)])
def test_grant_terms_follow_the_act_in_force_on_the_decision_date(decision_date, rule):
    answer = decide("startup_grant_terms", decision_date=decision_date)
    assert answer["result"] == {"period_months": 6, "max_total_months": 12, "application_window_months": 2}
    assert answer["matched_rules"][0]["rule_id"] == f"startup_grant_terms_rule_{rule}"


@pytest.mark.parametrize("granted, expected", [(6, {"continuation_allowed": True, "continuation_months": 6}),
                                               (9, {"continuation_allowed": True, "continuation_months": 3}),
                                               (12, {"continuation_allowed": False, "continuation_months": 0})])
def test_a_continuation_fills_up_to_twelve_months_and_no_further(granted, expected):
    answer = decide("startup_grant_continuation", months_granted_total=granted, max_total_months=12,
                    period_months=6)["result"]
    assert {k: answer[k] for k in expected} == expected


def test_the_daily_amount_is_a_dated_row_found_by_name_too():
    assert decide("Starttirahan päivärahan määrä", payment_period_start="2026-11-01")["result"] == 37.21
