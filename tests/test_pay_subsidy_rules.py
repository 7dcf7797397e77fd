"""The pay subsidy's eligibility rules (statutory-rules.md §2, revised 30.11.2026) as the tables in dmn/ read,
evaluated as `tva-flow decide` does: the target groups since 1.7.2023, the 55+ subsidy's working time, the
employment that may not start before the decision, recent dismissals in the same tasks, and the due date of a
request for more information."""
from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tva_flow.engine.definitions import read_dirs
from tva_flow.service import evaluate_in_files

TABLES = read_dirs([ROOT / "dmn"])
NONE = []
PERSON = {"decision_date": "2026-01-07", "age": 30, "upper_secondary_qualification": True, "immigrant": False,
          "months_without_regular_paid_work": 2, "reduced_work_ability": False, "apprenticeship": False}
ELIGIBLE = {
    "registered_unemployed": True, "category": "basic", "unemployed_months_of_last_28": 8, "age": 34,
    "weekly_hours": 37.5, "working_time_percent": 100, "employer_type": "business", "non_business_work": False,
    "reduced_work_ability": False, "pay_type": "fixed", "zero_hour_contract": False, "distorts_competition": False,
    "neglected_wages_taxes_or_contributions": False, "undertaking_in_difficulty": False,
    "unpaid_recovery_order": False, "employment_start": "2026-02-01", "application_date": "2026-01-05",
    "decision_date": "2026-01-07", "previous_subsidy_end": None, "target_groups": ["Vähintään 50-vuotias"],
    "dismissals_in_same_tasks": False, "reemployment_offered": None, "sector_regular_weekly_hours": None,
}
STARTS_BEFORE = ("Työsuhde on alkanut tai alkaa ennen palkkatukipäätöstä eikä jakso jatku välittömästi aiemman "
                 "palkkatukijakson jälkeen")
NO_GROUP = ("Palkattava ei kuulu palkkatuen kohderyhmiin (15–24- tai vähintään 50-vuotias, ei toisen asteen "
            "tutkintoa, maahanmuuttaja, vähintään 6 kuukautta ilman säännöllistä palkkatyötä, alentunut työkyky "
            "tai oppisopimus)")
UNDER_25_H = "55 vuotta täyttäneiden työllistämistuessa työaika on vähintään 25 tuntia viikossa"
UNDER_65_PERCENT = ("55 vuotta täyttäneiden työllistämistuessa työaika on vähintään 25 tuntia viikossa tai vähintään "
                    "65 % alan alle 37,5 tunnin säännöllisestä viikkotyöajasta")
DISMISSALS = ("Työnantaja on 12 kuukauden aikana irtisanonut, lomauttanut tai osa-aikaistanut samoissa tai "
              "samankaltaisissa tehtävissä olleen eikä ole tarjonnut hänelle työtä takaisin")


def target_groups(**person):
    return evaluate_in_files(TABLES, "pay_subsidy_target_group", {**PERSON, **person})["result"]


def refusal_reasons(**case):
    return evaluate_in_files(TABLES, "pay_subsidy_eligibility", {**ELIGIBLE, **case})["result"]


@pytest.mark.parametrize("person, groups", [
    ({}, NONE),  # 30 years old, a secondary qualification, 2 months without regular paid work
    ({"age": 24}, ["15–24-vuotias"]),
    ({"age": 15}, ["15–24-vuotias"]),
    ({"age": 25}, NONE),
    ({"age": 49}, NONE),
    ({"age": 50}, ["Vähintään 50-vuotias"]),
    ({"upper_secondary_qualification": False}, ["Ei toisen asteen tutkintoa"]),
    ({"immigrant": True}, ["Maahanmuuttaja"]),
    ({"months_without_regular_paid_work": 5}, NONE),
    ({"months_without_regular_paid_work": 6}, ["Vähintään 6 kuukautta ilman säännöllistä palkkatyötä"]),
    ({"reduced_work_ability": True}, ["Alentunut työkyky"]),
    ({"apprenticeship": True}, ["Oppisopimuskoulutus"]),
    ({"age": 52, "immigrant": True}, ["Vähintään 50-vuotias", "Maahanmuuttaja"]),
])
def test_the_target_groups_since_1_7_2023(person, groups):
    assert target_groups(**person) == groups


def test_before_1_7_2023_there_were_no_target_groups_and_none_were_required():
    assert target_groups(decision_date="2023-06-30", age=20) == NONE
    assert refusal_reasons(decision_date="2023-06-30", employment_start="2023-08-01", application_date="2023-06-01",
                           target_groups=[]) == []


def test_every_target_group_rule_names_its_source():
    answer = evaluate_in_files(TABLES, "pay_subsidy_target_group", {**PERSON, "age": 20})
    assert all("380/2023" in r["annotation"] and "HE 175/2022" in r["annotation"] for r in answer["matched_rules"])


@pytest.mark.parametrize("category, refused", [
    ("basic", True), ("reduced_work_ability", True), ("association_100", True), ("senior_55", False)])
def test_the_pay_subsidy_needs_a_target_group_the_55_plus_subsidy_has_its_own_conditions(category, refused):
    reasons = refusal_reasons(category=category, target_groups=[], reduced_work_ability=True,
                              unemployed_months_of_last_28=26, age=58, employer_type="association",
                              non_business_work=True, working_time_percent=60)
    assert (NO_GROUP in reasons) is refused


@pytest.mark.parametrize("weekly_hours, sector_hours, reasons", [
    (25, None, []),
    (24, None, [UNDER_25_H]),
    (24, 37.5, [UNDER_25_H]),       # the 65 % alternative only where the sector works under 37,5 hours
    (24, 36, []),                   # 24 / 36 = 66,7 % ≥ 65 %
    (23.4, 36, []),                 # exactly 65 %
    (23, 36, [UNDER_65_PERCENT]),   # 63,9 %
    (20, 30, []),                   # 66,7 %
    (30, 36, []),
])
def test_the_55_plus_subsidy_needs_25_hours_or_65_percent_of_a_sector_week_under_37_5_hours(
        weekly_hours, sector_hours, reasons):
    assert refusal_reasons(category="senior_55", age=58, unemployed_months_of_last_28=26, target_groups=[],
                           weekly_hours=weekly_hours, sector_regular_weekly_hours=sector_hours) == reasons


@pytest.mark.parametrize("start, previous_end, refused", [
    ("2026-01-08", None, False),          # the day after the decision
    ("2026-01-07", None, False),          # the day of the decision: not before it
    ("2026-01-06", None, True),           # after the application but before the decision
    ("2025-12-15", None, True),
    ("2025-08-01", "2026-01-31", False),  # an extension applied for before the earlier period ended
    ("2025-08-01", "2026-01-05", False),  # … on its last day
    ("2025-08-01", "2026-01-04", True),   # … after it had ended
])
def test_the_employment_may_not_start_before_the_decision_unless_the_subsidy_is_extended_without_a_break(
        start, previous_end, refused):
    reasons = refusal_reasons(employment_start=start, previous_subsidy_end=previous_end)
    assert reasons == ([STARTS_BEFORE] if refused else [])


@pytest.mark.parametrize("dismissals, offered, refused", [
    (False, None, False), (True, True, False), (True, False, True), (True, None, True)])
def test_dismissals_lay_offs_or_cut_hours_in_the_same_tasks_within_12_months_unless_work_was_offered_back(
        dismissals, offered, refused):
    reasons = refusal_reasons(dismissals_in_same_tasks=dismissals, reemployment_offered=offered)
    assert reasons == ([DISMISSALS] if refused else [])


@pytest.mark.parametrize("requested, due", [
    ("2026-01-07", "2026-01-21"),   # 14 days, a Wednesday
    ("2026-12-10", "2026-12-28"),   # 24.12. is Christmas Eve; 25.–27.12. are days off too
    ("2026-05-17", "2026-06-01"),   # Sun 31.5. → Mon 1.6.
])
def test_a_request_for_more_information_is_due_in_14_days_on_a_working_day(requested, due):
    answer = evaluate_in_files(TABLES, "pay_subsidy_information_request", {"request_date": requested})
    assert answer["result"] == {"response_days": 14, "information_due_date": due}
    (rule,) = answer["matched_rules"]
    assert "434/2003" in rule["annotation"] and "150/1930" in rule["annotation"]
