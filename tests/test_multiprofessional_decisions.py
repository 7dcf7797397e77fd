"""The multi-professional service's tables (monialainen yhteispalvelu; from 1.1.2025 the multi-professional support
model of Act 381/2023) as the law reads, evaluated through the service as a caseworker does
(`service.evaluate_decision`, the definitions in bpmn/ dmn/ forms/ deployed) and from the command line
(`tva-flow decide`): whether a multi-professional service-need assessment is started (Act 1369/2014 before
1.1.2025, Act 381/2023 from then on) and the deadlines and review intervals that follow from the start of the
assessment, moved off weekends and holidays (Act 150/1930 5 §)."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.identities import caseworker
from tva_flow.cli import main as cli
from tva_flow.engine.calendar import is_working_day, next_working_day
from tva_flow.engine.definitions import read_dirs
from tva_flow.validation import validate_files

CASEWORKER = caseworker("kaisa.asiantuntija")
TABLES = ("multiprofessional_referral", "multiprofessional_deadlines")


def decide(service, decision: str, **inputs) -> dict:
    return service.evaluate_decision(CASEWORKER, decision, inputs)


def test_the_two_tables_pass_validate_with_no_warnings_and_every_rule_names_its_source():
    files = {name: content for name, content in read_dirs([ROOT / "dmn"]).items()
             if name.removesuffix(".dmn") in TABLES}
    assert sorted(files) == sorted(f"{t}.dmn" for t in TABLES)
    assert validate_files(files) == []  # no overlaps under UNIQUE, no gaps, an annotation on every rule
    for name, content in files.items():
        assert b"<dmndi:DMNShape" in content, f"{name} has no DMNDI: the modeller would show no decision"


# ---------------------------------------------------------------- referral to the service-need assessment
def referral(service, referral_date: str, labour_market_subsidy_days=0, age=40, continuous_unemployment_months=0,
             coordinated_services_needed=False) -> dict:
    return decide(service, "multiprofessional_referral", referral_date=referral_date,
                  labour_market_subsidy_days=labour_market_subsidy_days, age=age,
                  continuous_unemployment_months=continuous_unemployment_months,
                  coordinated_services_needed=coordinated_services_needed)


def test_310_days_of_labour_market_subsidy_referral_on_5_6_2024_is_assessed_under_act_1369_2014(service):
    answer = referral(service, "2024-06-05", labour_market_subsidy_days=310, age=40, continuous_unemployment_months=3)
    assert answer["result"]["assess"] is True
    assert "vähintään 300 päivää" in answer["result"]["reason"]
    (rule,) = answer["matched_rules"]
    assert "1369/2014 2 §" in rule["annotation"] and "ennen 1.1.2025" in rule["annotation"]


def test_a_24_year_old_unemployed_for_7_months_is_assessed(service):
    result = referral(service, "2026-01-05", age=24, continuous_unemployment_months=7)["result"]
    assert result["assess"] is True
    assert "alle 25-vuotias" in result["reason"] and "6 kuukautta" in result["reason"]


def test_a_30_year_old_unemployed_for_8_months_with_no_finding_is_not_assessed(service):
    for no_finding in (False, None):
        result = referral(service, "2026-01-05", age=30, continuous_unemployment_months=8,
                          coordinated_services_needed=no_finding)["result"]
        assert result["assess"] is False
        assert result["reason"].startswith("Monialaista palvelutarpeen arviointia ei käynnistetä")


@pytest.mark.parametrize("referral_date", ["2019-03-01", "2024-12-31", "2025-01-01", "2026-01-05", "2031-07-15"])
def test_the_caseworker_finds_coordinated_services_are_needed_the_assessment_starts_on_any_date(service,
                                                                                                referral_date):
    answer = referral(service, referral_date, labour_market_subsidy_days=0, age=45, continuous_unemployment_months=1,
                      coordinated_services_needed=True)
    assert answer["result"]["assess"] is True
    assert "asiantuntija on palvelutarpeen arvioinnissa todennut" in answer["result"]["reason"]
    law = "381/2023" if referral_date >= "2025-01-01" else "1369/2014"
    assert law in answer["matched_rules"][0]["annotation"]


@pytest.mark.parametrize("days, age, months, assess, why", [
    (300, 40, 0, True, "300 days of labour market subsidy is enough, whatever the age"),
    (299, 40, 11, False, "299 days and 11 months at 40: no trigger yet"),
    (299, 40, 12, True, "25 or older: 12 months of continuous unemployment"),
    (0, 25, 6, False, "at 25 the 12-month rule applies, 6 months is not enough"),
    (0, 24, 6, True, "under 25: 6 months of continuous unemployment"),
    (0, 24, 5, False, "under 25 with 5 months: no trigger yet"),
    (0, 17, 5.5, False, "a part month does not reach 6 months"),
])
def test_the_triggers_for_assessing_the_need(service, days, age, months, assess, why):
    for referral_date in ("2024-06-05", "2026-01-05"):  # 1369/2014; kept under 381/2023 until verified (tarkista)
        assert referral(service, referral_date, labour_market_subsidy_days=days, age=age,
                        continuous_unemployment_months=months)["result"]["assess"] is assess, why


def test_from_1_1_2025_the_triggers_are_kept_but_marked_to_be_verified_in_act_381_2023(service):
    before = referral(service, "2024-12-31", labour_market_subsidy_days=310)
    after = referral(service, "2025-01-01", labour_market_subsidy_days=310)
    assert before["result"] == after["result"]
    assert "1369/2014" in before["matched_rules"][0]["annotation"]
    annotation = after["matched_rules"][0]["annotation"]
    assert "381/2023" in annotation and "tarkista 381/2023" in annotation


# ---------------------------------------------------------------- deadlines and review intervals
def deadlines(service, assessment_start: str) -> dict:
    return decide(service, "multiprofessional_deadlines", assessment_start=assessment_start)


def test_hand_over_on_mon_5_1_2026_the_assessment_ends_sun_5_4_and_the_plan_is_due_tue_7_4_2026_after_easter(service):
    # 3 months from Mon 5.1.2026 is Sun 5.4.2026, Easter Sunday; Mon 6.4.2026 is Easter Monday.
    assert not is_working_day("2026-04-05") and not is_working_day("2026-04-06")
    assert next_working_day("2026-04-05") == "2026-04-07"
    answer = deadlines(service, "2026-01-05")
    result = answer["result"]
    assert (result["assessment_ends"], result["plan_due"]) == ("2026-04-05", "2026-04-07")
    (rule,) = answer["matched_rules"]
    assert "381/2023" in rule["annotation"] and "150/1930" in rule["annotation"] and "seed 3.4.2" in rule["annotation"]


def test_the_plan_is_reviewed_at_least_every_6_months_and_the_job_search_obligation_every_3(service):
    for start in ("2024-09-02", "2026-01-05"):
        result = deadlines(service, start)["result"]
        assert (result["review_interval_months"], result["obligation_review_interval_months"]) == (6, 3)


@pytest.mark.parametrize("start, ends, due, why", [
    ("2026-02-02", "2026-05-02", "2026-05-04", "Mon 2.2.2026 + 3 months is Sat 2.5.2026: the plan is due Mon 4.5.2026"),
    ("2026-03-10", "2026-06-10", "2026-06-10", "a working day stays as it is: Wed 10.6.2026"),
    ("2025-11-30", "2026-02-28", "2026-03-02", "Act 150/1930 2 §: no 30.2., so the month's last day, Sat 28.2.2026 → Mon 2.3.2026"),
    ("2024-11-30", "2025-02-28", "2025-02-28", "before 1.1.2025 (Act 1369/2014): 28.2.2025 is a Friday"),
])
def test_the_plan_is_due_three_calendar_months_on_moved_to_the_next_working_day(service, start, ends, due, why):
    """The assessment lasts three calendar months (its end is not moved: it is a length, not a deadline to act);
    the plan is due on the same day, moved to the next working day (Act 150/1930 5 §)."""
    result = deadlines(service, start)["result"]
    assert (result["assessment_ends"], result["plan_due"]) == (ends, due), why


def test_the_law_changes_with_assessments_starting_on_1_1_2025(service):
    assert "1369/2014" in deadlines(service, "2024-12-31")["matched_rules"][0]["annotation"]
    assert "381/2023" in deadlines(service, "2025-01-01")["matched_rules"][0]["annotation"]


# ---------------------------------------------------------------- the same answers from the command line
def test_tva_flow_decide_gives_the_same_answers(capsys):
    """`tva-flow decide multiprofessional_deadlines --inputs '{…}'` and the referral, as a caseworker would try them."""
    assert cli(["decide", "multiprofessional_deadlines", "--dir", str(ROOT / "dmn"), "--inputs",
                json.dumps({"assessment_start": "2026-01-05"})]) == 0
    assert json.loads(capsys.readouterr().out) == {"assessment_ends": "2026-04-05", "plan_due": "2026-04-07",
                                                   "review_interval_months": 6,
                                                   "obligation_review_interval_months": 3}
    assert cli(["decide", "Monialaisen palvelutarpeen arvioinnin käynnistäminen", "--dir", str(ROOT / "dmn"),
                "--inputs", json.dumps({"referral_date": "2024-06-05", "labour_market_subsidy_days": 310, "age": 40,
                                        "continuous_unemployment_months": 3,
                                        "coordinated_services_needed": False})]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["assess"] is True and "300 päivää" in result["reason"]
