"""FEEL cells as process owners write them in dmn-js: unary tests, expressions, list indexing and filters,
and the refusal of everything that is not FEEL (Python-style cells, attacks, FEEL this engine lacks)."""
from __future__ import annotations

import re

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from tva_flow.engine.dmn import to_json
from tva_flow.engine.dmn.cells import compile_expression, compile_unary_tests
from tva_flow.engine.dmn.feel_errors import FeelError, FeelSyntaxError, FeelUnsupported
from tva_flow.engine.dmn.feel_scope import Scope
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


# ------------------------------------------------------------ FEEL only: what used to be read as Python
@pytest.mark.parametrize("cell, why", [
    ("True", "True is Python; FEEL writes true"),
    ("False", "False is Python; FEEL writes false"),
    ("== 3", "is not FEEL"),
    ("in ['a', 'b']", "is not FEEL"),
    ("not in ('a', 'b')", "is not FEEL"),
    ("? % 2 == 0", "is not FEEL"),
    ("x != None", "None is Python; FEEL writes null"),
])
def test_python_style_input_entries_are_refused(cell, why):
    with pytest.raises(FeelSyntaxError, match=re.escape(why)):
        compile_unary_tests(cell)


@pytest.mark.parametrize("text, why", [
    ("True", "True is Python; FEEL writes true"),
    ("len(items) > 0", "len() is a Python function, not FEEL (FEEL has count(list) or string length(text))"),
    ('"x" if a else "y"', "is not FEEL"),
    ("x is None", "None is Python; FEEL writes null"),
    ("round(amount * 2)", "round() is a Python function"),
    ("'single quoted'", "is not FEEL"),
    ("xs[0]", "FEEL lists count from 1, so [0] is always null"),
])
def test_python_style_expressions_are_refused(text, why):
    with pytest.raises(FeelSyntaxError, match=re.escape(why)):
        compile_expression(text)


def test_the_same_text_in_feel_keeps_its_feel_meaning():
    assert matches('>= "2025-01-01"', "2025-06-01")  # FEEL string comparison
    assert matches("true", True) and not matches("false", True)
    assert value_of('if a then "x" else "y"', {"a": False}) == "y"
    assert value_of("count(items) > 0", {"items": [1]}) is True
    assert value_of("x = null", {"x": None}) is True
    assert value_of("decimal(amount * 2, 0)", {"amount": 1.6}) == Decimal(3)


@pytest.mark.parametrize("text, expected", [
    ("[1, 2, 3][1]", Decimal(1)),
    ("[1, 2, 3][3]", Decimal(3)),
    ("[1, 2, 3][-1]", Decimal(3)),
    ("[1, 2, 3][-3]", Decimal(1)),
    ("[1, 2, 3][4]", None),
    ("[1, 2, 3][-4]", None),
    ("[1, 2, 3][1.5]", None),
    ("xs[1]", Decimal(10)),
    ("xs[-1]", Decimal(30)),
    ("xs[n]", Decimal(20)),
    ("xs[count(xs)]", Decimal(30)),
    ("xs[item > 15]", [Decimal(20), Decimal(30)]),
    ("xs[item > 100]", []),
    ("[1, 2, 3][item >= 2][1]", Decimal(2)),
    ("people[age >= 18].name", ["Aino", "Eino"]),
    ("people[age >= 18 and name = \"Eino\"][1].age", Decimal(40)),
    ("people[1].name", "Aino"),
    ("people[item.age < 18]", [{"name": "Veeti", "age": Decimal(9)}]),
    ("5[1]", Decimal(5)),
    ("missing[1]", None),
    ("sum(xs[item > 10])", Decimal(50)),
])
def test_lists_are_indexed_from_one_and_filtered(text, expected):
    context = {"xs": [10, 20, 30], "n": 2, "people": [{"name": "Aino", "age": 30}, {"name": "Veeti", "age": 9},
                                                    {"name": "Eino", "age": 40}]}
    assert value_of(text, context) == expected


def test_a_filter_does_not_report_item_names_as_missing():
    scope = Scope({"xs": [{"a": 1}, {"a": 2}]})
    assert compile_expression("xs[a > 1]").evaluate(scope) == [{"a": Decimal(2)}]
    assert scope.missing == set()


def test_ranges_closed_with_a_bracket_are_not_filters():
    assert matches("]55..64[", 60, "number") and not matches("[55..64[", 64, "number")
    assert matches("]low..high[", 5, "number", {"low": 1, "high": 9})
    assert not matches("]low..high[", 9, "number", {"low": 1, "high": 9})


@pytest.mark.parametrize("text, feature", [
    ("for x in xs return x * 2", "FEEL 'for' expressions are not supported"),
    ("some x in xs satisfies x > 1", "FEEL 'some' expressions are not supported"),
    ("every x in xs satisfies x > 1", "FEEL 'every' expressions are not supported"),
    ("function(x) x + 1", "FEEL function definitions are not supported"),
    ("x instance of number", "'instance of' is not supported"),
    ('date(from: "2026-01-01")', "named arguments are not supported"),
    ("xs[for x in xs return x]", "FEEL 'for' expressions are not supported"),
])
def test_feel_this_engine_does_not_evaluate_is_refused(text, feature):
    with pytest.raises(FeelUnsupported, match=re.escape(feature)):
        compile_expression(text)


@pytest.mark.parametrize("text", [
    '"{0.__class__}".format(x)',
    "str.format(x)",
    "x.__class__",
    "x.__class__.__init__.__globals__",
    '__import__("os")',
    "().__class__.__bases__",
    'open("/etc/passwd")',
    "getattr(x, y)",
    "eval(x)",
])
def test_python_attacks_are_refused(text):
    with pytest.raises(FeelSyntaxError):
        compile_expression(text)
    with pytest.raises(FeelSyntaxError):
        compile_unary_tests(text)


class _Secret:
    token = "do not read me"
    real = 5

    def __str__(self):
        return self.token


@pytest.mark.parametrize("text", ["secret.token", "secret.real", "text.upper", "n.real", "string(secret)",
                                  "xs.append", "ctx.items", "d.isoformat", "d.hour", "secret.token.upper"])
def test_paths_read_plain_data_only_never_python_attributes(text):
    context = {"secret": _Secret(), "text": "abc", "n": 5, "xs": [1], "ctx": {"a": 1}, "d": date(2026, 3, 10)}
    assert value_of(text, context) in (None, [None])


@pytest.mark.parametrize("text, expected", [
    ("d.year", Decimal(2026)), ("d.month", Decimal(3)), ("d.day", Decimal(10)), ("d.weekday", Decimal(2)),
    ("dt.hour", Decimal(14)), ("dt.minute", Decimal(5)), ("dt.time offset", timedelta(hours=2)),
    ("dtz.timezone", "Europe/Helsinki"), ("t.second", Decimal(7)),
    ('duration("P1DT2H3M4S").days', Decimal(1)), ('duration("P1DT2H3M4S").hours', Decimal(2)),
    ('duration("P1DT2H3M4S").minutes', Decimal(3)), ('duration("P1DT2H3M4S").seconds', Decimal(4)),
    ('duration("-PT1H").hours', Decimal(-1)),
    ('duration("P14M").years', Decimal(1)), ('duration("P14M").months', Decimal(2)),
    ('duration("-P14M").months', Decimal(-2)),
    ('duration("P14M").days', None), ('duration("PT1H").years', None),
    ("ctx.year", "a context entry wins"),
])
def test_documented_temporal_properties(text, expected):
    from datetime import datetime, time, timezone
    from zoneinfo import ZoneInfo
    context = {"d": date(2026, 3, 10), "dt": datetime(2026, 3, 10, 14, 5, tzinfo=timezone(timedelta(hours=2))),
               "dtz": datetime(2026, 3, 10, 14, 5, tzinfo=ZoneInfo("Europe/Helsinki")), "t": time(1, 2, 7),
               "ctx": {"year": "a context entry wins"}}
    assert value_of(text, context) == expected


def test_calls_reach_feel_builtins_and_caller_functions_only():
    assert value_of("count([1, 2])") == Decimal(2)
    assert value_of("all([true, true])") is True and value_of("any([false, null])") is None
    with pytest.raises(FeelError, match="unknown function upper"):
        value_of('upper("x")')  # a Python str method is not a FEEL function (FEEL: upper case)
    with pytest.raises(FeelError, match="unknown function system"):
        value_of('system("id")')
    assert value_of('upper case("x")') == "X"
    assert value_of("twice(2)", functions={"twice": lambda n: n * 2}) == Decimal(4)
    assert value_of('number("NaN")') is None and value_of("number(5)") is None


@pytest.mark.parametrize("text", ["< ", "[1..", "x ==== 2", "@@", "if then", '"unterminated'])
def test_text_feel_cannot_read_is_a_clear_error(text):
    with pytest.raises(FeelSyntaxError, match=f"^{re.escape(repr(text.strip()))} is not FEEL: "):
        compile_unary_tests(text)
    with pytest.raises(FeelSyntaxError, match="is not FEEL"):
        compile_expression(text)
