"""The Finnish working-day calendar that statutory deadlines are counted in."""
from __future__ import annotations

import pytest

from tva_flow.engine.calendar import add_working_days, is_working_day, next_working_day, working_days_between
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


@pytest.mark.parametrize("deadline, moved, why", [
    ("2026-10-31", "2026-11-02", "Sat 31.10.2026 (All Saints' Day) → Mon 2.11."),
    ("2026-11-02", "2026-11-02", "a Monday is a working day: it stays"),
    ("2026-05-31", "2026-06-01", "Sun 31.5.2026 → Mon 1.6."),
    ("2026-05-01", "2026-05-04", "Fri 1.5.2026 is May Day → Mon 4.5."),
    ("2026-06-19", "2026-06-22", "Fri 19.6.2026 Midsummer Eve, then Midsummer Day and Sunday → Mon 22.6."),
    ("2026-04-03", "2026-04-07", "Good Friday 3.4.2026 → Tue 7.4. after Easter Monday"),
    ("2026-12-24", "2026-12-28", "Christmas Eve, Christmas Day, Boxing Day (Sat), Sunday → Mon 28.12.2026"),
    ("2026-12-06", "2026-12-07", "Independence Day on a Sunday → Mon 7.12.2026"),
    ("2026-12-31", "2026-12-31", "New Year's Eve is not a holiday in Act 150/1930: a Thursday stays"),
    ("2028-04-30", "2028-05-02", "Sun 30.4.2028, then May Day Mon 1.5. → Tue 2.5.2028"),
])
def test_a_deadline_on_a_weekend_or_a_public_holiday_moves_to_the_next_working_day(deadline, moved, why):
    """Act 150/1930 on the calculation of time limits, 5 §."""
    assert next_working_day(deadline) == moved, why


def test_next_working_day_takes_dates_and_date_times_as_process_data_carries_them():
    from datetime import date
    assert next_working_day(date(2026, 10, 31)) == "2026-11-02"
    assert next_working_day("2026-10-31T12:00:00+02:00") == "2026-11-02"


def test_diagram_expressions_and_decision_tables_call_the_same_next_working_day():
    from tva_flow.engine.decisions import DECISION_FUNCTIONS
    from tva_flow.engine.functions import EXPRESSION_FUNCTIONS
    assert EXPRESSION_FUNCTIONS["next_working_day"]("2026-10-31") == "2026-11-02"
    dmn = b"""<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
      <decision id="due" name="due"><literalExpression><text>next_working_day(date(last) + duration("P3M"))</text>
      </literalExpression></decision></definitions>"""
    # with the engine's functions (processes, `tva-flow decide`, the API) and as a FEEL built-in (the bare engine)
    assert evaluate(load(dmn), "due", {"last": "2026-07-31"}, DECISION_FUNCTIONS).value == "2026-11-02"
    assert evaluate(load(dmn), "due", {"last": "2026-07-31"}).value == "2026-11-02"
    assert evaluate(load(dmn), "due", {"last": None}).value is None


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


def test_letters_write_dates_and_euros_the_finnish_way_in_scripts_and_tables():
    from tva_flow.engine.decisions import DECISION_FUNCTIONS
    from tva_flow.engine.functions import EXPRESSION_FUNCTIONS
    finnish_date, euros = EXPRESSION_FUNCTIONS["finnish_date"], EXPRESSION_FUNCTIONS["euros"]
    assert finnish_date("2026-01-05") == "5.1.2026" and finnish_date("2026-11-30T00:00:00+02:00") == "30.11.2026"
    assert (euros(1260), euros(37.2), euros(1234.567)) == ("1260,00", "37,20", "1234,57")
    dmn = b"""<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
      <decision id="text" name="text"><literalExpression><text>finnish_date(day) + " " + euros(amount)</text>
      </literalExpression></decision></definitions>"""
    assert evaluate(load(dmn), "text", {"day": "2026-01-05", "amount": 1260}, DECISION_FUNCTIONS).value == \
        "5.1.2026 1260,00"
