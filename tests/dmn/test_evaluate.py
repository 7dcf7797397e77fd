"""Decision tables evaluated as the DMN standard says: hit policies, result shapes, dated rules,
required decisions, and errors that name the table, the rule and the column."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tva_flow.engine.dmn import DmnError, evaluate, load, to_json

from .dmnxml import DMN13, table

AGE = ("Ikä", "age", "number")


def decide(xml: str, context: dict, decision: str = "decision", functions=None):
    return evaluate(load(xml), decision, context, functions)


# ------------------------------------------------------------ dated rules
INTERVIEW_DEADLINE = table(
    [(['< date("2026-01-01")'], ["5"], "Alkuhaastattelu 5 arkipäivän kuluessa (380/2023, voimassa 2025)"),
     (['>= date("2026-01-01")'], ["10"], "Alkuhaastattelu 10 arkipäivän kuluessa 1.1.2026 alkaen")],
    inputs=[("Työnhaun alkamispäivä", "job_search_start", "date")],
    outputs=[("working_days", "number")], decision_id="initial_interview_deadline")


@pytest.mark.parametrize("start, days, rule", [("2025-12-31", 5, "r1"), ("2026-01-01", 10, "r2"),
                                               ("2026-03-10", 10, "r2")])
def test_the_rule_in_force_on_the_date_decides(start, days, rule):
    result = decide(INTERVIEW_DEADLINE, {"job_search_start": start}, "initial_interview_deadline")
    assert to_json(result.value) == days
    assert result.outputs == {"working_days": Decimal(days)}
    assert result.matched == [{"rule_id": rule, "row": int(rule[1]),
                               "annotation": result.matched[0]["annotation"]}]
    assert result.matched[0]["annotation"].startswith("Alkuhaastattelu")
    assert to_json(result.inputs) == {"Työnhaun alkamispäivä": start}


# ------------------------------------------------------------ hit policies
def test_unique_with_two_matching_rules_is_an_error_naming_both():
    xml = table([([">= 18"], ['"adult"']), (["[60..70]"], ['"senior"'])], inputs=[AGE], outputs=[("group", "string")])
    assert decide(xml, {"age": 30}).value == "adult"
    with pytest.raises(DmnError, match=r"UNIQUE.*r1 \(row 1\), r2 \(row 2\)") as caught:
        decide(xml, {"age": 65})
    assert caught.value.decision_id == "decision"
    assert caught.value.rule_ids == ["r1", "r2"]


def test_any_allows_agreeing_matches_and_rejects_disagreeing_ones():
    agree = table([(["< 18"], ['"no"']), (["< 15"], ['"no"'])], inputs=[AGE], outputs=[("ok", "string")],
                  hit_policy="ANY")
    result = decide(agree, {"age": 10})
    assert result.value == "no"
    assert [m["rule_id"] for m in result.matched] == ["r1", "r2"]
    disagree = table([(["< 18"], ['"no"']), (["< 15"], ['"maybe"'])], inputs=[AGE], outputs=[("ok", "string")],
                     hit_policy="ANY")
    with pytest.raises(DmnError, match="ANY.*different outputs") as caught:
        decide(disagree, {"age": 10})
    assert caught.value.rule_ids == ["r1", "r2"]


def test_first_takes_the_first_match_in_rule_order():
    xml = table([(["> 18"], ['"Cars"']), (["> 12"], ['"Videogames"']), (["> 0"], ['"Toys"'])], inputs=[AGE],
                outputs=[("ad", "string")], hit_policy="FIRST")
    result = decide(xml, {"age": 19})
    assert result.value == "Cars" and [m["rule_id"] for m in result.matched] == ["r1"]
    assert decide(xml, {"age": 13}).value == "Videogames"
    assert decide(xml, {"age": 0}).value is None


def test_priority_and_output_order_follow_the_output_values_list():
    rules = [([">= 0"], ['"low"']), ([">= 10"], ['"high"']), ([">= 5"], ['"medium"'])]
    kwargs = dict(inputs=[AGE], outputs=[("level", "string", '"high", "medium", "low"')])
    assert decide(table(rules, hit_policy="PRIORITY", **kwargs), {"age": 7}).value == "medium"
    priority = decide(table(rules, hit_policy="PRIORITY", **kwargs), {"age": 12})
    assert priority.value == "high" and priority.matched[0]["rule_id"] == "r2"
    ordered = decide(table(rules, hit_policy="OUTPUT ORDER", **kwargs), {"age": 12})
    assert ordered.value == ["high", "medium", "low"]
    assert [m["rule_id"] for m in ordered.matched] == ["r2", "r3", "r1"]


def test_priority_without_output_values_fails_at_load():
    xml = table([(["-"], ['"x"'])], inputs=[AGE], outputs=[("o", "string")], hit_policy="PRIORITY")
    with pytest.raises(DmnError, match="PRIORITY orders by output values"):
        load(xml)


def test_rule_order_and_collect_give_lists():
    rules = [([">= 18"], ['"Best"', "1"]), ([">= 12"], ['"Standard"', "2"]), (["< 12"], ['"Standard"', "3"])]
    outputs = [("Rate", "string"), ("Rank", "number")]
    result = decide(table(rules, inputs=[AGE], outputs=outputs, hit_policy="RULE ORDER"), {"age": 19})
    assert to_json(result.value) == [{"Rate": "Best", "Rank": 1}, {"Rate": "Standard", "Rank": 2}]
    assert to_json(result.outputs) == to_json(result.value)
    single = decide(table([(r[0], r[1][:1]) for r in rules], inputs=[AGE], outputs=outputs[:1], hit_policy="COLLECT"),
                    {"age": 19})
    assert single.value == ["Best", "Standard"]
    assert decide(table(rules, inputs=[AGE], outputs=outputs, hit_policy="COLLECT"), {"age": None}).value == []


@pytest.mark.parametrize("aggregation, age, expected", [
    ("SUM", 6, 1100), ("SUM", 2, 100), ("SUM", 0, None),
    ("MIN", 6, 100), ("MIN", 0, None), ("MAX", 6, 500), ("MAX", 0, None),
    ("COUNT", 6, 4), ("COUNT", 3, 2), ("COUNT", 0, 0),
])
def test_collect_aggregations(aggregation, age, expected):
    rules = [([">1"], ["100"]), ([">2"], ["200"]), ([">3"], ["300"]), ([">5"], ["500"])]
    xml = table(rules, inputs=[AGE], outputs=[("salary", "number")], hit_policy="COLLECT", aggregation=aggregation)
    result = decide(xml, {"age": age})
    assert to_json(result.value) == expected
    assert len(result.matched) == len(result.outputs)


def test_aggregation_on_a_multi_output_table_fails_at_load():
    xml = table([(["-"], ["1", "2"])], inputs=[AGE], outputs=[("a", "number"), ("b", "number")],
                hit_policy="COLLECT", aggregation="SUM")
    with pytest.raises(DmnError, match="single output"):
        load(xml)


def test_result_shapes():
    multi = table([(["-"], ['"A"', "1"])], inputs=[AGE], outputs=[("grade", "string"), ("points", "number")])
    result = decide(multi, {"age": 1})
    assert to_json(result.value) == {"grade": "A", "points": 1} == to_json(result.outputs)
    none = decide(table([(["> 100"], ['"old"'])], inputs=[AGE], outputs=[("o", "string")]), {"age": 1})
    assert none.value is None and none.outputs == {} and none.matched == []


def test_default_output_entry_applies_when_nothing_matches():
    xml = table([(["> 100"], ['"old"'])], inputs=[AGE], outputs=[("o", "string")]).replace(
        '<output id="out1" name="o" typeRef="string">',
        '<output id="out1" name="o" typeRef="string"><defaultOutputEntry><text>"young"</text></defaultOutputEntry>')
    result = decide(xml, {"age": 1})
    assert result.value == "young" and result.matched == []


# ------------------------------------------------------------ inputs, expressions, required decisions
def test_inputs_are_coerced_by_type_and_expressions_are_evaluated():
    xml = table([(["<= 0"], ["false", "0"]), (["-"], ["true", "min(period_months, remaining)"])],
                inputs=[("Jäljellä", "max_total - granted", "number")],
                outputs=[("allowed", "boolean"), ("months", "number")], hit_policy="FIRST")
    result = decide(xml, {"max_total": 12, "granted": 9, "period_months": 6, "remaining": 3.0})
    assert to_json(result.value) == {"allowed": True, "months": 3}
    assert result.inputs == {"Jäljellä": Decimal(3)}
    assert to_json(decide(xml, {"max_total": 12, "granted": 12, "period_months": 6, "remaining": 0}).value) == {
        "allowed": False, "months": 0}
    typed = table([(["< 18"], ['"minor"'])], inputs=[AGE], outputs=[("o", "string")])
    assert decide(typed, {"age": "17"}).value == "minor"  # typeRef number reads numeric strings


def test_variables_the_context_lacks_are_null_and_reported():
    xml = table([(["-"], ["bonus"])], inputs=[AGE], outputs=[("o", "number")])
    result = decide(xml, {"age": 1})
    assert result.value is None and result.missing == ["bonus"]


def test_python_style_cells_are_refused_at_load_naming_decision_rule_and_column():
    xml = table([(["true", '>= "2025-01-01"'], ['"yes"']), (["False", "-"], ['"no"'])],
                inputs=[("Ehto", "flag", "boolean"), ("Päivä", "day", "string")], outputs=[("o", "string")],
                hit_policy="FIRST", decision_id="python_style")
    with pytest.raises(DmnError) as caught:
        load(xml)
    error = caught.value
    assert (error.decision_id, error.rule_id, error.row, error.column) == ("python_style", "r2", 2, "Ehto")
    assert str(error) == ("decision 'python_style', rule 'r2' (row 2), column 'Ehto': "
                          "cell 'False' is not FEEL: False is Python; FEEL writes false")


def test_the_feel_spelling_of_the_same_table_decides():
    xml = table([(["true", '>= "2025-01-01"'], ['"yes"']), (["false", "-"], ['"no"'])],
                inputs=[("Ehto", "flag", "boolean"), ("Päivä", "day", "string")], outputs=[("o", "string")],
                hit_policy="FIRST")
    assert decide(xml, {"flag": True, "day": "2025-02-01"}).value == "yes"
    assert decide(xml, {"flag": False, "day": "2020-01-01"}).value == "no"
    assert decide(xml, {"flag": True, "day": "2020-01-01"}).value is None


def test_caller_functions_are_available_in_cells():
    xml = table([(["-"], ["add_months(start, 6)"])], inputs=[("Alku", "start", "date")], outputs=[("end", "date")])
    result = decide(xml, {"start": "2026-01-31"}, functions={"add_months": lambda d, n: f"{d[:4]}-07-31"})
    assert to_json(result.value) == "2026-07-31"


def test_required_decisions_are_evaluated_first_and_traced():
    extra = """
    <decision id="age_group" name="Age Group">
      <decisionTable id="t2" hitPolicy="FIRST">
        <input id="i"><inputExpression typeRef="number"><text>age</text></inputExpression></input>
        <output id="o" name="group" typeRef="string"/>
        <rule id="g1"><inputEntry><text>&lt; 25</text></inputEntry>
          <outputEntry><text>"young"</text></outputEntry></rule>
        <rule id="g2"><inputEntry><text>-</text></inputEntry><outputEntry><text>"other"</text></outputEntry></rule>
      </decisionTable>
    </decision>
    <decision id="greeting" name="Greeting">
      <informationRequirement><requiredDecision href="#age_group"/></informationRequirement>
      <literalExpression><text>"Hello " + Age Group</text></literalExpression>
    </decision>"""
    xml = table([(['"young"'], ['"youth guarantee"']), (["-"], ['"standard"'])],
                inputs=[("Ikäryhmä", "Age Group", "string")], outputs=[("service", "string")], hit_policy="FIRST",
                extra=extra, requires=["age_group"])
    result = decide(xml, {"age": 20})
    assert result.value == "youth guarantee"
    assert [t.decision_id for t in result.trace] == ["age_group"]
    assert result.trace[0].matched[0]["rule_id"] == "g1"
    assert result.to_json()["trace"][0]["value"] == "young"
    greeting = evaluate(load(xml), "Greeting", {"age": 40})
    assert greeting.value == "Hello other" and greeting.trace[0].value == "other"


def test_unknown_decision_is_an_error():
    with pytest.raises(DmnError, match="no decision with id or name 'nope'"):
        decide(INTERVIEW_DEADLINE, {}, "nope")


# ------------------------------------------------------------ load-time errors and DMN versions
def test_unparseable_cell_fails_at_load_naming_table_rule_and_column():
    xml = table([(["< 18"], ['"minor"']), (["[18..", ], ['"adult"'])], inputs=[AGE], outputs=[("o", "string")],
                decision_id="age_check")
    with pytest.raises(DmnError) as caught:
        load(xml)
    error = caught.value
    assert (error.decision_id, error.rule_id, error.row, error.column) == ("age_check", "r2", 2, "Ikä")
    assert "decision 'age_check', rule 'r2' (row 2), column 'Ikä'" in str(error)
    assert "cell '[18..' is not FEEL: " in str(error)
    lenient = load(xml, strict=False)
    assert [e.rule_id for e in lenient.errors] == ["r2"]
    with pytest.raises(DmnError, match="r2"):
        evaluate(lenient, "age_check", {"age": 20})


def test_unparseable_output_cell_names_the_output_column():
    xml = table([(["-"], ['"unterminated'])], inputs=[AGE], outputs=[("result", "string")])
    with pytest.raises(DmnError) as caught:
        load(xml)
    assert caught.value.column == "result" and caught.value.rule_id == "r1"


@pytest.mark.parametrize("ns", [
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    DMN13,
    "https://www.omg.org/spec/DMN/20211108/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
])
def test_every_dmn_version_loads(ns):
    defs = load(table([(["< 18"], ['"minor"'])], inputs=[AGE], outputs=[("o", "string")], ns=ns).encode())
    assert evaluate(defs, "Päätös", {"age": 3}).value == "minor"


def test_not_dmn_is_an_error(tmp_path):
    with pytest.raises(DmnError, match="not a DMN"):
        load(b'<definitions xmlns="urn:other"/>')
    with pytest.raises(DmnError, match="not well-formed"):
        load(b"<definitions")
    path = tmp_path / "deadline.dmn"
    path.write_text(INTERVIEW_DEADLINE, encoding="utf-8")
    assert load(path).source == "deadline.dmn"
    assert load(str(path)).decisions["initial_interview_deadline"].table.rules[1].annotation.startswith("Alku")
