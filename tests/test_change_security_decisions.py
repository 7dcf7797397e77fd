"""The change-security (muutosturva) tables as the law reads, evaluated through the service as a caseworker does
(`service.evaluate_decision`, the definitions in bpmn/ dmn/ forms/ deployed) and from the command line
(`tva-flow decide`): whether the Co-operation Act obliges the employer to negotiate and for how long (1333/2021,
amended 1.7.2025), action plan or principles, the 55+ change security (dismissals from 1.1.2023) and the length of
the employment leave (Employment Contracts Act 55/2001 7:12)."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.identities import caseworker
from tva_flow.cli import main as cli
from tva_flow.engine.definitions import read_dirs
from tva_flow.validation import validate_files

CASEWORKER = caseworker("kaisa.asiantuntija")
TABLES = ("change_security_scope", "change_security_track", "senior_change_security", "employment_leave_days")


def decide(service, decision: str, **inputs) -> dict:
    return service.evaluate_decision(CASEWORKER, decision, inputs)


def test_the_four_tables_pass_validate_with_no_warnings_and_every_rule_names_its_source():
    files = {name: content for name, content in read_dirs([ROOT / "dmn"]).items()
             if name.removesuffix(".dmn") in TABLES}
    assert sorted(files) == sorted(f"{t}.dmn" for t in TABLES)
    assert validate_files(files) == []
    for name, content in files.items():
        assert b"<dmndi:DMNShape" in content, f"{name} has no DMNDI: the modeller would show no decision"


# ---------------------------------------------------------------- Co-operation Act: scope and minimum period
def scope(service, negotiation_start: str, employees: int, planned_reductions: int) -> dict:
    return decide(service, "change_security_scope", negotiation_start=negotiation_start, employees=employees,
                  planned_reductions=planned_reductions)


def test_a_60_employee_employer_negotiating_12_reductions_from_2_9_2025_must_negotiate_at_least_21_days(service):
    answer = scope(service, "2025-09-02", 60, 12)
    assert answer["result"] == {"act_applies": True, "min_negotiation_days": 21}
    (rule,) = answer["matched_rules"]
    assert "1333/2021" in rule["annotation"] and "1.7.2025" in rule["annotation"]


def test_the_same_negotiations_started_on_2_6_2025_before_the_amendment_take_six_weeks(service):
    answer = scope(service, "2025-06-02", 60, 12)
    assert answer["result"] == {"act_applies": True, "min_negotiation_days": 42}
    assert "ennen 1.7.2025" in answer["matched_rules"][0]["annotation"]


def test_a_30_employee_employer_considering_12_reductions_need_not_negotiate_from_1_7_2025_but_had_to_before(
        service):
    assert scope(service, "2025-09-02", 30, 12)["result"] == {"act_applies": False, "min_negotiation_days": 0}
    assert scope(service, "2025-06-02", 30, 12)["result"] == {"act_applies": True, "min_negotiation_days": 42}


def test_the_amendment_takes_effect_on_negotiations_starting_1_7_2025(service):
    assert scope(service, "2025-06-30", 60, 5)["result"]["min_negotiation_days"] == 14
    assert scope(service, "2025-07-01", 60, 5)["result"]["min_negotiation_days"] == 7


@pytest.mark.parametrize("start, employees, reductions, applies, days, why", [
    ("2025-06-02", 19, 12, False, 0, "under 20 employees the Act never applied"),
    ("2025-06-02", 25, 12, True, 14, "20–29 employees: always 14 days under the old Act"),
    ("2025-06-02", 40, 9, True, 14, "fewer than 10 reductions: 14 days"),
    ("2025-09-02", 19, 25, False, 0, "under 20 employees: still outside the Act"),
    ("2025-09-02", 49, 19, False, 0, "20–49 employees: only from 20 reductions within 90 days"),
    ("2025-09-02", 49, 20, True, 21, "20–49 employees with 20 reductions: negotiations, 3 weeks"),
    ("2025-09-02", 50, 9, True, 7, "50 or more employees, fewer than 10 reductions: 7 days"),
    ("2025-09-02", 50, 10, True, 21, "50 or more employees, 10 reductions: 3 weeks"),
])
def test_scope_and_minimum_period_by_staff_and_reductions(service, start, employees, reductions, applies, days, why):
    assert scope(service, start, employees, reductions)["result"] == \
        {"act_applies": applies, "min_negotiation_days": days}, why


# ---------------------------------------------------------------- action plan or principles
@pytest.mark.parametrize("planned_dismissals, track", [(12, "action_plan"), (10, "action_plan"), (9, "principles"),
                                                      (8, "principles")])
def test_ten_or_more_dismissals_get_an_action_plan_fewer_get_principles(service, planned_dismissals, track):
    answer = decide(service, "change_security_track", planned_dismissals=planned_dismissals)
    assert answer["result"] == track
    assert "380/2023" in answer["matched_rules"][0]["annotation"]


# ---------------------------------------------------------------- 55+ change security
ELIGIBLE = {"notice_date": "2025-09-02", "age_on_notice_day": 57, "years_with_employer": 6,
            "grounds": "economic_or_production", "registered_days_after_notice": 60}


def senior(service, **changes) -> dict:
    return decide(service, "senior_change_security", **{**ELIGIBLE, **changes})


def test_a_57_year_old_with_6_years_dismissed_for_economic_reasons_and_registered_on_day_60_is_eligible(service):
    answer = senior(service)
    result = answer["result"]
    assert (result["eligible"], result["training_value_months"], result["training_max_months"]) == (True, 2, 6)
    assert result["reason"].startswith("Oikeus 55 vuotta täyttäneiden muutosturvaan")
    assert "916/2012 5 a luku 2 §" in answer["matched_rules"][0]["annotation"]


@pytest.mark.parametrize("changes, says", [
    ({"registered_days_after_notice": 61}, "yli 60 päivän kuluttua"),
    ({"age_on_notice_day": 54}, "55 vuotta"),
    ({"years_with_employer": 4}, "viittä vuotta"),
    ({"grounds": "mutual_agreement"}, "sopimukseen"),
    ({"grounds": "bankruptcy"}, "konkurssin"),
    ({"grounds": "restructuring"}, "yrityssaneerausmenettelyssä"),
    ({"grounds": "death"}, "kuoleman"),
    ({"grounds": "other"}, "ei päättynyt tuotannollisella tai taloudellisella"),
    ({"registered_days_after_notice": None}, "ei ole rekisteröitynyt"),
    ({"notice_date": "2022-12-15"}, "1.1.2023"),
], ids=["registered on day 61", "54 on the notice day", "4 years' service", "mutual agreement", "bankruptcy",
        "restructuring", "employer's death", "other grounds", "not registered", "notice on 15.12.2022"])
def test_not_eligible_with_the_reason_the_employee_is_told(service, changes, says):
    result = senior(service, **changes)["result"]
    assert (result["eligible"], result["training_value_months"], result["training_max_months"]) == (False, 0, 0)
    assert says in result["reason"]


def test_a_person_registered_before_the_notice_day_registered_in_time(service):
    assert senior(service, registered_days_after_notice=-30)["result"]["eligible"] is True


def test_notice_on_1_1_2023_is_the_first_day_of_the_55_plus_change_security(service):
    assert senior(service, notice_date="2023-01-01")["result"]["eligible"] is True
    assert senior(service, notice_date="2022-12-31")["result"]["eligible"] is False


# ---------------------------------------------------------------- employment leave
@pytest.mark.parametrize("notice_period_months, days, days_55_plus", [
    (1, 5, 5), (3, 10, 15), (4, 10, 15), (6, 20, 25), (0.5, 5, 5), (1.5, 10, 15), (4.5, 20, 25),
])
def test_employment_leave_by_notice_period(service, notice_period_months, days, days_55_plus):
    def leave(senior_change_security: bool):
        return decide(service, "employment_leave_days", notice_period_months=notice_period_months,
                      senior_change_security=senior_change_security)["result"]

    assert (leave(False), leave(True)) == (days, days_55_plus)


# ---------------------------------------------------------------- the same answers from the command line
def test_tva_flow_decide_gives_the_same_answers(capsys):
    """`tva-flow decide change_security_scope --inputs '{…}'` and the 55+ table, as a caseworker would try them."""
    assert cli(["decide", "change_security_scope", "--dir", str(ROOT / "dmn"), "--inputs",
                json.dumps({"negotiation_start": "2025-09-02", "employees": 60, "planned_reductions": 12})]) == 0
    assert json.loads(capsys.readouterr().out) == {"act_applies": True, "min_negotiation_days": 21}
    assert cli(["decide", "55 vuotta täyttäneiden muutosturva", "--dir", str(ROOT / "dmn"), "--inputs",
                json.dumps({**ELIGIBLE, "registered_days_after_notice": 61})]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["eligible"], result["training_value_months"]) == (False, 0)
    assert cli(["decide", "employment_leave_days", "--dir", str(ROOT / "dmn"), "--inputs",
                json.dumps({"notice_period_months": 6, "senior_change_security": True})]) == 0
    assert json.loads(capsys.readouterr().out) == 25
