"""The pay subsidy's payment deadline (dmn/pay_subsidy_payment_deadline.dmn) as the law reads, evaluated as
`tva-flow decide` does: one deadline for every payment application of a decision made from 1.7.2023, 3 months
after the end of the calendar month in which the subsidy period's last pay period ends; the old per-period rule
for decisions up to 30.6.2023; either moved to the next working day (Act 150/1930 5 §)."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tva_flow.cli import main
from tva_flow.engine.definitions import read_dirs
from tva_flow.service import evaluate_in_files

TABLES = read_dirs([ROOT / "dmn"])


def deadline(decision_date: str, last_pay_period_end: str) -> dict:
    return evaluate_in_files(TABLES, "pay_subsidy_payment_deadline",
                             {"decision_date": decision_date, "last_pay_period_end": last_pay_period_end})


@pytest.mark.parametrize("last_pay_period_end, due, why", [
    ("2026-05-15", "2026-08-31", "the last pay period ends 15.5.2026: end of May + 3 months, Mon 31.8.2026"),
    ("2026-05-31", "2026-08-31", "any pay period ending in May has the same deadline"),
    ("2026-06-30", "2026-09-30", "end of June + 3 months: Wed 30.9.2026"),
    ("2026-07-15", "2026-11-02", "end of July + 3 months is Sat 31.10.2026 (All Saints' Day) → Mon 2.11.2026"),
    ("2027-02-10", "2027-05-28", "Act 150/1930 2 §: 28.2.2027 + 3 months is the same day number, Fri 28.5.2027"),
    ("2028-01-31", "2028-05-02", "Sun 30.4.2028, then May Day → Tue 2.5.2028"),
])
def test_decisions_from_1_7_2023_have_one_deadline_three_months_after_the_month_of_the_last_pay_period(
        last_pay_period_end, due, why):
    answer = deadline("2026-01-07", last_pay_period_end)
    assert answer["result"] == due, why
    (rule,) = answer["matched_rules"]
    assert rule["rule_id"] == "pay_subsidy_payment_deadline_rule_2"
    assert "380/2023" in rule["annotation"] and "tyomarkkinatori.fi" in rule["annotation"]
    assert "150/1930" in rule["annotation"]


@pytest.mark.parametrize("payment_period_end, due, why", [
    ("2023-03-31", "2023-05-31", "a period ending in March: end of March + 2 months, Wed 31.5.2023"),
    ("2023-06-14", "2023-08-30", "end of June + 2 months is the same day number, Wed 30.8.2023"),
    ("2022-10-31", "2023-01-02", "end of October + 2 months is Sat 31.12.2022; Sun 1.1. → Mon 2.1.2023"),
])
def test_decisions_up_to_30_6_2023_keep_the_old_rule_of_two_months_per_payment_period(payment_period_end, due, why):
    answer = deadline("2023-06-30", payment_period_end)
    assert answer["result"] == due, why
    (rule,) = answer["matched_rules"]
    assert rule["rule_id"] == "pay_subsidy_payment_deadline_rule_1"
    assert "916/2012" in rule["annotation"] and "150/1930" in rule["annotation"]


def test_the_rule_changes_with_decisions_made_on_1_7_2023():
    assert deadline("2023-06-30", "2023-12-31")["result"] == "2024-02-29"  # 2 months: leap-year February's last day
    assert deadline("2023-07-01", "2023-12-31")["result"] == "2024-04-02"  # 3 months: Sun 31.3.2024 is Easter Sunday,
    # Mon 1.4. Easter Monday → Tue 2.4.2024


def test_the_deadline_is_a_decision_of_its_own_from_the_command_line(capsys):
    assert main(["decide", "pay_subsidy_payment_deadline", "--dir", str(ROOT / "dmn"), "--inputs",
                 json.dumps({"decision_date": "2026-01-07", "last_pay_period_end": "2026-05-15"})]) == 0
    assert json.loads(capsys.readouterr().out) == "2026-08-31"
