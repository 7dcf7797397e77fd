"""Cells are FEEL only (security issue #8): what is not FEEL, not in a FEEL expressionLanguage, or not
evaluated by this engine is refused when the model loads, naming the decision and the cell - never run in
another language and never evaluated wrongly."""
from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from tva_flow.engine.dmn import DmnError, evaluate, lint, load, to_json

from .dmnxml import DMN13, table

AGE = ("Ikä", "age", "number")
PROJECT_DMN = Path(__file__).resolve().parents[2] / "dmn"
NS = {"d": DMN13}


def simple(decision_id="decision", **kwargs) -> str:
    return table([(["< 18"], ['"minor"']), ([">= 18"], ['"adult"'])], inputs=[AGE], outputs=[("group", "string")],
                 decision_id=decision_id, **kwargs)


def with_attribute(xml: str, xpath: str, name: str, value: str) -> bytes:
    root = etree.fromstring(xml.encode())
    found = root.xpath(xpath, namespaces=NS)
    assert found, xpath
    for el in found:
        el.set(name, value)
    return etree.tostring(root)


def refused(xml) -> DmnError:
    with pytest.raises(DmnError) as caught:
        load(xml)
    return caught.value


# ------------------------------------------------------------ cells that used to run as Python
@pytest.mark.parametrize("cell, why", [
    ("True", "True is Python; FEEL writes true"),
    ("len(age) > 0", "len() is a Python function"),
    ("? % 2 == 0", "unexpected character '%'"),
    ("in [1, 2]", "is not FEEL"),
    ("age is None", "None is Python; FEEL writes null"),
])
def test_a_python_input_entry_is_refused_at_load_naming_decision_rule_and_column(cell, why):
    xml = table([(["< 18"], ['"minor"']), ([cell], ['"adult"'])], inputs=[AGE], outputs=[("group", "string")],
                decision_id="age_group")
    error = refused(xml)
    assert (error.decision_id, error.rule_id, error.row, error.column) == ("age_group", "r2", 2, "Ikä")
    assert str(error).startswith(f"decision 'age_group', rule 'r2' (row 2), column 'Ikä': cell {cell!r} ")
    assert why in str(error)


def test_a_python_output_entry_names_the_output_column_and_the_file(tmp_path):
    xml = table([(["-"], ['"x" if age > 1 else "y"'])], inputs=[AGE], outputs=[("result", "string")],
                decision_id="out")
    path = tmp_path / "python_output.dmn"
    path.write_text(xml, encoding="utf-8")
    error = refused(path)
    assert str(error).startswith("python_output.dmn, decision 'out', rule 'r1' (row 1), column 'result': cell ")
    assert "is not FEEL" in str(error)


def test_python_literal_expression_and_input_expression_are_refused():
    literal = f"""<definitions xmlns="{DMN13}" id="d" name="d" namespace="x">
      <decision id="lit" name="Literal"><literalExpression><text>len(items)</text></literalExpression></decision>
    </definitions>"""
    error = refused(literal)
    assert error.decision_id == "lit" and error.column == "Literal" and "len() is a Python function" in str(error)
    expression = table([(["-"], ['"x"'])], inputs=[("Lukumäärä", "len(items)", "number")],
                       outputs=[("o", "string")], decision_id="inexpr")
    error = refused(expression)
    assert (error.decision_id, error.column, error.rule_id) == ("inexpr", "Lukumäärä", None)


@pytest.mark.parametrize("cell", [
    '"{0.__class__.__init__.__globals__}".format(age)',
    '"{}".format(age)',
    "age.__class__",
    "age.__class__.__bases__",
    '__import__("os").environ',
    "().__class__",
    'open("/etc/passwd")',
    'getattr(age, "real")',
])
def test_attack_cells_are_refused_at_load(cell):
    xml = table([(["-"], [cell])], inputs=[AGE], outputs=[("o", "string")], decision_id="attack")
    error = refused(xml)
    assert (error.decision_id, error.rule_id, error.column) == ("attack", "r1", "o")
    lenient = load(xml, strict=False)
    with pytest.raises(DmnError):
        evaluate(lenient, "attack", {"age": 1})


def test_no_cell_can_read_the_environment():
    """The str.format cell that once returned the process environment: refused, and nothing a FEEL cell
    can say reaches os.environ."""
    os.environ["TVA_FLOW_TEST_SECRET"] = "s3cret"
    try:
        for cell in ['"{0.__init__.__globals__[os].environ}".format(age)', "environ", "os.environ"]:
            xml = table([(["-"], [cell])], inputs=[AGE], outputs=[("o", "string")])
            try:
                result = evaluate(load(xml), "decision", {"age": 1})
            except DmnError:
                continue
            assert "s3cret" not in repr(to_json(result.value))
    finally:
        del os.environ["TVA_FLOW_TEST_SECRET"]


# ------------------------------------------------------------ FEEL answers where Python's differed
@pytest.mark.parametrize("expression, expected", [
    ("scores[1]", 10), ("scores[-1]", 30), ("scores[2]", 20), ("scores[4]", None), ("scores[-4]", None),
    ("scores[item > 15]", [20, 30]), ("count(scores[item > 15])", 2),
])
def test_lists_in_cells_are_one_based(expression, expected):
    xml = table([(["-"], [expression])], inputs=[("Pisteet", "count(scores)", "number")],
                outputs=[("o", "Any")])
    assert to_json(evaluate(load(xml), "decision", {"scores": [10, 20, 30]}).value) == expected


def test_index_zero_is_refused_at_load():
    xml = table([(["-"], ["scores[0]"])], inputs=[AGE], outputs=[("o", "number")], decision_id="zero")
    error = refused(xml)
    assert error.rule_id == "r1" and "FEEL lists count from 1, so [0] is always null" in str(error)


@pytest.mark.parametrize("cell, feature", [
    ("for x in scores return x * 2", "'for'"),
    ("some x in scores satisfies x > 1", "'some'"),
    ("every x in scores satisfies x > 1", "'every'"),
    ("function(x) x + 1", "function definitions"),
    ("age instance of number", "'instance of'"),
])
def test_feel_the_engine_does_not_evaluate_is_refused_at_load(cell, feature):
    xml = table([(["-"], [cell])], inputs=[AGE], outputs=[("o", "Any")], decision_id="unsupported_feel")
    error = refused(xml)
    assert (error.decision_id, error.rule_id, error.column) == ("unsupported_feel", "r1", "o")
    assert feature in str(error) and "not supported by this engine" in str(error)


def test_a_path_on_a_python_object_is_null_not_its_attribute():
    class Applicant:
        age = 70
        name = "not plain data"

    xml = table([(["-"], ["applicant.name"])], inputs=[AGE], outputs=[("o", "string")])
    assert evaluate(load(xml), "decision", {"age": 1, "applicant": Applicant()}).value is None
    assert evaluate(load(xml), "decision", {"age": 1, "applicant": {"name": "Aino"}}).value == "Aino"


# ------------------------------------------------------------ expressionLanguage
FEEL_URIS = [
    "https://www.omg.org/spec/DMN/20191111/FEEL/",
    "http://www.omg.org/spec/DMN/20180521/FEEL/",
    "https://www.omg.org/spec/DMN/20211108/FEEL/",
    "https://www.omg.org/spec/DMN/20230324/FEEL/",
    "http://www.omg.org/spec/FEEL/20140401",
    "feel", "FEEL", "Feel",
    "HTTPS://WWW.OMG.ORG/SPEC/DMN/20191111/FEEL",
]
NOT_FEEL = ["python", "juel", "javascript", "groovy", "http://www.python.org", "JUEL", "urn:other"]


@pytest.mark.parametrize("uri", FEEL_URIS)
@pytest.mark.parametrize("where", ["/d:definitions", "//d:inputEntry", "//d:outputEntry", "//d:inputExpression"])
def test_feel_expression_languages_are_accepted(uri, where):
    defs = load(with_attribute(simple(), where, "expressionLanguage", uri))
    assert evaluate(defs, "decision", {"age": 20}).value == "adult"


@pytest.mark.parametrize("language", NOT_FEEL)
@pytest.mark.parametrize("where, rule, column", [
    ("(//d:inputEntry)[2]", "r2", "Ikä"),
    ("(//d:outputEntry)[1]", "r1", "group"),
    ("//d:inputExpression", None, "Ikä"),
])
def test_another_expression_language_on_a_cell_is_refused_naming_decision_and_cell(language, where, rule, column):
    error = refused(with_attribute(simple("lang"), where, "expressionLanguage", language))
    assert (error.decision_id, error.rule_id, error.column) == ("lang", rule, column)
    assert error.message == f"expression language {language!r} is not supported: cells are FEEL"


def test_python_on_the_definitions_is_refused_for_every_cell_that_inherits_it():
    xml = with_attribute(simple("inherits"), "/d:definitions", "expressionLanguage", "python")
    error = refused(xml)
    assert error.decision_id == "inherits" and error.column == "Ikä"
    assert "expression language 'python' (set on the definitions) is not supported: cells are FEEL" in str(error)
    lenient = load(xml, strict=False)
    assert len(lenient.errors) == 5  # the input expression and every entry of both rules
    assert all("'python' (set on the definitions)" in w for w in lint(lenient))


def test_a_cell_naming_feel_overrides_the_definitions_language():
    xml = with_attribute(simple(), "/d:definitions", "expressionLanguage", "http://www.python.org")
    xml = with_attribute(xml.decode(), "//d:inputExpression | //d:inputEntry | //d:outputEntry",
                         "expressionLanguage", "https://www.omg.org/spec/DMN/20191111/FEEL/")
    assert evaluate(load(xml), "decision", {"age": 3}).value == "minor"


def test_a_cell_setting_python_under_feel_definitions_is_refused():
    xml = with_attribute(simple("mixed"), "/d:definitions", "expressionLanguage", "feel")
    error = refused(with_attribute(xml.decode(), "(//d:outputEntry)[2]", "expressionLanguage", "python"))
    assert (error.decision_id, error.rule_id, error.row, error.column) == ("mixed", "r2", 2, "group")


def test_python_on_a_literal_expression_and_other_cells_is_refused():
    literal = f"""<definitions xmlns="{DMN13}" id="d" name="d" namespace="x">
      <decision id="lit" name="Literal">
        <literalExpression expressionLanguage="python"><text>1 + 1</text></literalExpression></decision>
    </definitions>"""
    error = refused(literal)
    assert error.decision_id == "lit" and "'python' is not supported: cells are FEEL" in str(error)
    values = table([(["-"], ['"x"'])], inputs=[("Luokka", "category", "string", '"a","b"')],
                   outputs=[("o", "string")], decision_id="vals")
    error = refused(with_attribute(values, "//d:inputValues", "expressionLanguage", "juel"))
    assert (error.decision_id, error.column) == ("vals", "Luokka") and "'juel' is not supported" in str(error)


def test_another_expression_language_anywhere_in_a_decision_is_refused():
    error = refused(with_attribute(simple("table_lang"), "//d:decisionTable", "expressionLanguage", "groovy"))
    assert error.decision_id == "table_lang" and "expression language 'groovy' is not supported" in str(error)


# ------------------------------------------------------------ boxed expressions the engine does not evaluate
BOXED = {
    "context": '<context id="c1"><contextEntry><variable name="a"/><literalExpression><text>1</text>'
               '</literalExpression></contextEntry></context>',
    "invocation": '<invocation id="i1"><literalExpression><text>f</text></literalExpression></invocation>',
    "relation": '<relation id="r1"><column name="a"/></relation>',
    "list": '<list id="l1"><literalExpression><text>1</text></literalExpression></list>',
    "functionDefinition": '<functionDefinition id="f1"><literalExpression><text>1</text></literalExpression>'
                          '</functionDefinition>',
    "conditional": '<conditional id="k1"/>',
    "filter": '<filter id="fi1"/>',
    "for": '<for id="fo1" iteratorVariable="x"/>',
    "some": '<some id="s1" iteratorVariable="x"/>',
    "every": '<every id="e1" iteratorVariable="x"/>',
}


@pytest.mark.parametrize("kind", sorted(BOXED))
def test_a_boxed_expression_is_refused_at_load_naming_the_decision(kind):
    xml = f"""<definitions xmlns="{DMN13}" id="d" name="d" namespace="x">
      <decision id="boxed_{kind}" name="Boxed">{BOXED[kind]}</decision></definitions>"""
    error = refused(xml)
    assert error.decision_id == f"boxed_{kind}"
    assert f"(<{kind}>), which is not supported: only decision tables and literal expressions" in str(error)
    lenient = load(xml, strict=False)
    assert lint(lenient) == [str(error)]
    with pytest.raises(DmnError, match=re.escape(f"<{kind}>")):
        evaluate(lenient, "Boxed", {})


def test_a_boxed_context_message():
    xml = f"""<definitions xmlns="{DMN13}" id="d" name="d" namespace="x">
      <decision id="terms" name="Terms">{BOXED["context"]}</decision></definitions>"""
    assert str(refused(xml)) == ("decision 'terms': its logic is a boxed context (<context>), which is not "
                                 "supported: only decision tables and literal expressions (FEEL) are evaluated")


def test_a_decision_invoking_a_business_knowledge_model_is_refused():
    xml = f"""<definitions xmlns="{DMN13}" id="d" name="d" namespace="x">
      <businessKnowledgeModel id="bkm" name="double"><encapsulatedLogic><formalParameter name="n"/>
        <literalExpression><text>n * 2</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>
      <decision id="uses_bkm" name="Uses">
        <knowledgeRequirement><requiredKnowledge href="#bkm"/></knowledgeRequirement>
        <literalExpression><text>double(2)</text></literalExpression></decision></definitions>"""
    error = refused(xml)
    assert error.decision_id == "uses_bkm" and "business knowledge model" in str(error)


# ------------------------------------------------------------ the statutory tables
@pytest.mark.skipif(not PROJECT_DMN.is_dir(), reason="the project's dmn/ folder is missing")
@pytest.mark.parametrize("path", sorted(PROJECT_DMN.glob("*.dmn")), ids=lambda p: p.name)
def test_statutory_tables_are_feel_only(path):
    defs = load(path)  # strict: any cell that is not FEEL would raise here
    assert defs.errors == []
    for decision in defs.decisions.values():
        assert decision.table is not None and decision.unsupported is None
        cells = [c.expression for c in decision.table.inputs]
        cells += [cell for rule in decision.table.rules for cell in rule.input_entries + rule.output_entries]
        assert all(cell.compiled is not None and cell.error is None for cell in cells)
    text = path.read_text(encoding="utf-8")
    for language in re.findall(r'expressionLanguage="([^"]*)"', text):
        assert language.lower() in ("feel", *(u.lower() for u in FEEL_URIS))


def test_numbers_still_come_back_as_feel_numbers():
    xml = table([(["-"], ["[1, 2, 3][2] * 1.5"])], inputs=[AGE], outputs=[("o", "number")])
    assert evaluate(load(xml), "decision", {"age": 1}).value == Decimal("3.0")


def test_a_decision_without_logic_loads_but_is_reported_and_cannot_be_evaluated():
    xml = f"""<definitions xmlns="{DMN13}" id="d" name="d" namespace="x">
      <decision id="drd_only" name="Drawn only"/></definitions>"""
    defs = load(xml)
    assert lint(defs) == [("decision 'drd_only': has no decision logic; only decision tables and literal "
                           "expressions can be evaluated")]
    with pytest.raises(DmnError, match="decision 'drd_only': has no decision logic"):
        evaluate(defs, "drd_only", {})
