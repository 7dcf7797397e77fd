"""The Finnish working-day calendar that statutory deadlines are counted in."""
from __future__ import annotations

import pytest

from tva_flow.engine.calendar import add_working_days, is_working_day, working_days_between
from tva_flow.engine.dmn import evaluate, load


@pytest.mark.parametrize("registered, n, due, why", [
    ("2026-01-05", 10, "2026-01-20", "Mon 5.1.2026 + 10 wd: 6.1. is Epiphany"),
    ("2026-01-03", 10, "2026-01-19", "Sat 3.1.2026: counting starts Monday 5.1., 6.1. skipped"),
    ("2025-01-03", 5, "2025-01-13", "Fri 3.1.2025 + 5 wd: Epiphany Mon 6.1.2025 skipped"),
    ("2025-12-19", 5, "2025-12-31", "Fri 19.12.2025 + 5 wd: 24.–26.12. are holidays"),
    ("2026-06-15", 5, "2026-06-23", "Mon 15.6.2026 + 5 wd: Midsummer Eve Fri 19.6. skipped"),
    ("2026-03-30", 5, "2026-04-08", "Mon 30.3.2026 + 5 wd: Good Friday 3.4. and Easter Monday 6.4."),
])
def test_deadlines_in_working_days(registered, n, due, why):
    assert add_working_days(registered, n) == due, why


def test_which_days_are_working_days():
    assert is_working_day("2026-01-05") and not is_working_day("2026-01-06")  # Epiphany
    assert not is_working_day("2026-12-24") and not is_working_day("2026-06-19")  # Christmas / Midsummer Eve
    assert not is_working_day("2026-01-10")  # Saturday
    assert working_days_between("2026-01-05", "2026-01-20") == 10
    assert working_days_between("2026-01-20", "2026-01-05") == 0


def test_decision_tables_can_count_working_days():
    dmn = b"""<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
      <decision id="due" name="due"><literalExpression><text>add_working_days(start, 10)</text></literalExpression>
      </decision></definitions>"""
    from tva_flow.engine.decisions import DECISION_FUNCTIONS
    assert evaluate(load(dmn), "due", {"start": "2026-01-05"}, DECISION_FUNCTIONS).value == "2026-01-20"


def test_counting_is_bounded_so_one_expression_cannot_loop_for_minutes():
    import pytest

    from tva_flow.engine import functions
    from tva_flow.engine.calendar import add_working_days, working_days_between

    with pytest.raises(ValueError, match="at most 10000 working days"):
        add_working_days("2026-01-05", 10**9)
    with pytest.raises(ValueError, match="at most"):
        working_days_between("1900-01-01", "2200-01-01")
    with pytest.raises(ValueError, match="0 to 1200 periods"):
        functions.monthly_periods("2026-01-01", 10**9)
    assert add_working_days("2026-01-05", 10) == "2026-01-20"  # Epiphany 6.1. not counted
