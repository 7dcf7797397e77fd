"""FEEL cells as process owners write them in dmn-js: unary tests, expressions, and the Python dialect."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from tva_flow.engine.dmn import to_json
from tva_flow.engine.dmn.cells import compile_expression, compile_unary_tests
from tva_flow.engine.dmn.feel import FeelError, FeelSyntaxError, Scope
from tva_flow.engine.dmn.values import coerce


def matches(cell: str, value, type_ref: str | None = None, context: dict | None = None) -> bool:
    return compile_unary_tests(cell).matches(coerce(value, type_ref), Scope(context or {}))


def _type_of(value) -> str | None:
    return "number" if isinstance(value, int) and not isinstance(value, bool) else None


def value_of(text: str, context: dict | None = None, functions: dict | None = None):
    return compile_expression(text).evaluate(Scope(context or {}, functions))


@pytest.mark.parametrize("cell, value, expected", [
    ("-", 42, True),
    ("-", None, True),
    ("", "anything", True),
    ("< 25", 24, True),
    ("< 25", 25, False),
    ("<= 25", 25, True),
    ("> 25", 26, True),
    (">=18", 18, True),
    ("= 5", 5, True),
    ("!= 5", 5, False),
    ("!= 5", 6, True),
    ("[55..64]", 55, True),
    ("[55..64]", 64, True),
    ("[55..64]", 65, False),
    ("(55..64]", 55, False),
    ("]55..64]", 55, False),
    ("[55..64)", 64, False),
    ("[55..64[", 64, False),
    ("]55..64[", 60, True),
    ("[-5..-1]", -3, True),
    ('"a","b"', "b", True),
    ('"a","b"', "c", False),
    ("1, [5..9]", 7, True),
    ("1, [5..9]", 1, True),
    ("1, [5..9]", 4, False),
    ('not("x")', "y", True),
    ('not("x")', "x", False),
    ('not("x", "y")', "y", False),
    ("not([1..5])", 6, True),
    ("null", None, True),
    ("null", 0, False),
    ("7", 7, True),
    ('"Medium"', "Medium", True),
    ("true", True, True),
    ("false", True, False),
    ("? > 5 and ? < 10", 7, True),
    ("? > 5 and ? < 10", 10, False),
    ("[1, 2, 3]", 2, True),
])
def test_unary_test_forms(cell, value, expected):
    assert matches(cell, value, _type_of(value)) is expected


def test_comparing_different_types_never_matches():
    assert not matches("< 25", "24")
    assert not matches('"24"', 24, "number")
    assert not matches("not(< 25)", None)  # null compared: not(null) is null, which is no match


def test_date_range_with_iso_string_input_typed_date():
    cell = '[date("2025-01-01")..date("2025-12-31")]'
    assert matches(cell, "2025-06-01", "date")
    assert matches(cell, "2025-12-31", "date")
    assert not matches(cell, "2026-01-01", "date")
    assert not matches(cell, "2025-06-01")  # a plain string is not a date: no match, never an error


def test_date_and_time_and_duration_in_tests():
    assert matches('< date and time("2026-03-01T00:00:00+02:00")', "2026-02-28T23:59:00+02:00", "dateTime")
    assert matches('>= duration("P3M")', "P1Y", "yearMonthDuration")
    assert matches('< duration("P1DT2H")', "PT3H", "dayTimeDuration")


def test_variables_in_tests_and_names_with_spaces():
    assert matches("< limit", 5, "number", {"limit": 6})
    assert matches("[Lower Bound..Upper Bound]", 5, "number", {"Lower Bound": 1, "Upper Bound": 9})


@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", Decimal(7)),
    ("(1 + 2) * 3", Decimal(9)),
    ("10 / 4", Decimal("2.5")),
    ("0.1 + 0.2", Decimal("0.3")),
    ("1 / 0", None),
    ("null + 1", None),
    ('"a" + 1', None),
    ('"ab" + "cd"', "abcd"),
    ("customer.age", Decimal(30)),
    ("customer.address.city", "Oulu"),
    ("Approval Status", "Approved"),
    ("age >= 18 and age < 65", True),
    ("false and null", False),
    ("true or null", True),
    ("age > 100 or null", None),
    ('if age < 18 then "minor" else "adult"', "adult"),
    ("min(period_months, max_total_months - months_granted_total)", Decimal(3)),
    ("max([1, 5, 3])", Decimal(5)),
    ("sum(1, 2, 3)", Decimal(6)),
    ("count([1, 2, 3])", Decimal(3)),
    ("abs(-2.5)", Decimal("2.5")),
    ("floor(2.7)", Decimal(2)),
    ("ceiling(2.1)", Decimal(3)),
    ('string length("työnhakija")', Decimal(10)),
    ("not(true)", False),
    ('date("2026-01-31") + duration("P1M")', date(2026, 2, 28)),
    ('date("2026-03-10") - date("2026-03-01")', timedelta(days=9)),
    ('duration("P3M")', relativedelta(months=3)),
    ('duration("P1DT2H")', timedelta(days=1, hours=2)),
    ('date and time("2026-01-01T10:00:00") + duration("PT2H")', None),  # checked below via to_json
    ("age between 18 and 64", True),
    ("age in [18..64]", True),
    ('{"a b": 1, c: 2}', {"a b": Decimal(1), "c": Decimal(2)}),
    ("missing_variable", None),
])
def test_expressions(text, expected):
    context = {"customer": {"age": 30, "address": {"city": "Oulu"}}, "Approval Status": "Approved", "age": 30,
               "period_months": 6, "max_total_months": 12, "months_granted_total": 9}
    result = value_of(text, context)
    if expected is None and "date and time" in text:
        assert to_json(result) == "2026-01-01T12:00:00"
    else:
        assert result == expected


def test_caller_functions_get_plain_values_and_results_come_back_as_feel():
    def add_months(day, n):
        assert isinstance(n, int)
        return (date.fromisoformat(day) + relativedelta(months=n)).isoformat()

    assert value_of('add_months(start, 3)', {"start": "2026-01-31"}, {"add_months": add_months}) == "2026-04-30"
    with pytest.raises(FeelError, match="unknown function no_such"):
        value_of("no_such(1)")


def test_to_json_turns_feel_values_into_json():
    assert to_json({"n": Decimal("2"), "f": Decimal("37.21"), "d": date(2026, 1, 5),
                    "p": relativedelta(months=3), "t": timedelta(days=1, hours=2), "l": [Decimal(1)]}) == {
        "n": 2, "f": 37.21, "d": "2026-01-05", "p": "P3M", "t": "P1DT2H", "l": [1]}


# ------------------------------------------------------------ the Python dialect
@pytest.mark.parametrize("cell, value, expected", [
    ("True", True, True),
    ("False", True, False),
    ("== 3", 3, True),
    ("in ['a', 'b']", "a", True),
    ("not in ('a', 'b')", "a", False),
    ("? % 2 == 0", 4, True),
    ('>= "2025-01-01"', "2025-06-01", True),  # also FEEL (string comparison)
])
def test_python_style_input_entries_keep_working(cell, value, expected):
    assert matches(cell, value, _type_of(value)) is expected


@pytest.mark.parametrize("text, context, expected", [
    ("True", {}, True),
    ("len(items) > 0", {"items": [1]}, True),
    ('"x" if a else "y"', {"a": False}, "y"),
    ("x is None", {"x": None}, True),
    ("round(amount * 2)", {"amount": 1.6}, Decimal(3)),
    ("'single quoted'", {}, "single quoted"),
])
def test_python_style_expressions_keep_working(text, context, expected):
    cell = compile_expression(text)
    assert cell.dialect == "python"
    assert cell.evaluate(Scope(context)) == expected


def test_feel_is_preferred_when_both_dialects_parse():
    assert compile_expression("min(a, b)").dialect == "feel"
    assert compile_unary_tests("< 5").dialect == "feel"


def test_python_cells_are_restricted():
    with pytest.raises(FeelSyntaxError):
        compile_expression("().__class__.__bases__")
    with pytest.raises(FeelError, match="NameError"):
        compile_expression("open('/etc/passwd')").evaluate(Scope({}))


@pytest.mark.parametrize("text", ["< ", "[1..", "x ==== 2", "@@", "if then", '"unterminated'])
def test_text_neither_dialect_parses_is_a_clear_error(text):
    with pytest.raises(FeelSyntaxError, match="neither FEEL .* nor a Python expression"):
        compile_unary_tests(text)
    with pytest.raises(FeelSyntaxError):
        compile_expression(text)
