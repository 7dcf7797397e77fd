"""Lint: overlapping rules, uncovered inputs, unparseable cells, type mismatches, missing annotations."""
from __future__ import annotations

from pathlib import Path

import pytest

from tva_flow.engine.dmn import lint, load

from .dmnxml import table

AGE = ("Ikä", "age", "number")
PROJECT_DMN = Path(__file__).resolve().parents[2] / "dmn"


def test_overlapping_rules_under_unique_are_reported_with_an_example():
    xml = table([(["< 18", '"a","b"'], ['"x"'], "lähde"), (["[15..20]", '"b"'], ['"y"'], "lähde"),
                 ([">= 21", "-"], ['"z"'], "lähde")],
                inputs=[AGE, ("Luokka", "category", "string", '"a","b","c"')], outputs=[("o", "string")],
                decision_id="overlap")
    warnings = lint(load(xml))
    overlaps = [w for w in warnings if "overlap under" in w]
    assert len(overlaps) == 1
    assert "decision 'overlap'" in overlaps[0]
    assert "rules 'r1' (row 1) and 'r2' (row 2) overlap under hit policy UNIQUE" in overlaps[0]
    assert 'Luokka = "b"' in overlaps[0]
    assert "decision 'overlap': no rule matches Ikä = 14, Luokka = \"c\"" in warnings


def test_open_and_closed_range_ends_decide_overlap():
    touching = table([(["< 18"], ['"minor"']), ([">= 18"], ['"adult"'])], inputs=[AGE], outputs=[("o", "string")])
    assert lint(load(touching)) == []
    shared_end = table([(["<= 18"], ['"minor"']), ([">= 18"], ['"adult"'])], inputs=[AGE], outputs=[("o", "string")])
    assert any("overlap" in w and "Ikä = 18" in w for w in lint(load(shared_end)))
    both_open = table([(["< 18"], ['"minor"']), (["> 18"], ['"adult"'])], inputs=[AGE], outputs=[("o", "string")])
    assert lint(load(both_open)) == ["decision 'decision': no rule matches Ikä = 18"]
    between = table([(["[0..20]"], ['"a"']), (["> 21"], ['"b"'])], inputs=[AGE], outputs=[("o", "string")])
    assert lint(load(between)) == [f"decision 'decision': no rule matches Ikä = {v}" for v in (-1, 20.5, 21)]


def test_date_columns_with_the_same_expression_are_one_range():
    xml = table([(['>= date("2024-01-01")', '<= date("2025-12-31")'], ["37.21"]),
                 (['>= date("2026-01-01")', "-"], ["37.21"])],
                inputs=[("Alkaa aikaisintaan", "start", "date"), ("Alkaa viimeistään", "start", "date")],
                outputs=[("amount", "number")])
    warnings = lint(load(xml))
    assert not any("overlap" in w for w in warnings)
    assert warnings == [
        "decision 'decision': no rule matches Alkaa aikaisintaan / Alkaa viimeistään = date(\"2023-12-31\")"]


def test_gap_on_a_boolean_input():
    xml = table([(["true", "-"], ['"yes"']), (["false", '"a"'], ['"no"'])],
                inputs=[("Ehto", "flag", "boolean"), ("Luokka", "category", "string", '"a","b"')],
                outputs=[("o", "string")], decision_id="gappy")
    assert lint(load(xml)) == ["decision 'gappy': no rule matches Ehto = false, Luokka = \"b\""]


def test_multi_hit_tables_may_leave_inputs_uncovered():
    xml = table([(["true"], ['"reason"'])], inputs=[("Ehto", "flag", "boolean")], outputs=[("o", "string")],
                hit_policy="COLLECT")
    assert lint(load(xml)) == []


def test_missing_annotations_on_statutory_tables():
    xml = table([(["< 18"], ['"minor"'], "Laki 380/2023 3 §"), ([">= 18"], ['"adult"'])], inputs=[AGE],
                outputs=[("o", "string")], decision_id="statutory")
    assert lint(load(xml)) == []
    assert lint(load(xml), require_annotations=True) == [
        "decision 'statutory', rule 'r2' (row 2): no annotation (a statutory rule names its source)"]


def test_unparseable_cells_are_reported_not_raised():
    xml = table([(["< 18"], ['"minor"']), (["[18.."], ['"adult"'])], inputs=[AGE], outputs=[("o", "string")],
                decision_id="broken")
    warnings = lint(xml)
    assert len(warnings) == 1
    assert warnings[0].startswith("decision 'broken', rule 'r2' (row 2), column 'Ikä': cell '[18..' is not FEEL")


def test_comparing_a_date_input_with_strings_is_reported():
    xml = table([(['< "2026-01-01"'], ["5"]), (['>= "2026-01-01"'], ["10"])],
                inputs=[("Alku", "job_search_start", "date")], outputs=[("days", "number")])
    warnings = lint(load(xml))
    assert len(warnings) == 2
    assert all("compares the date input with string" in w for w in warnings)


def test_any_overlaps_are_fine_when_outputs_agree():
    rules = [(["< 18"], ['"no"']), (["< 15"], ['"no"']), (["-"], ['"yes"'])]
    xml = table(rules, inputs=[AGE], outputs=[("o", "string")], hit_policy="ANY")
    warnings = lint(load(xml))
    assert len(warnings) == 2 and all("overlap under hit policy ANY but give different outputs" in w for w in warnings)


@pytest.mark.skipif(not PROJECT_DMN.is_dir(), reason="the project's dmn/ folder is missing")
@pytest.mark.parametrize("path", sorted(PROJECT_DMN.glob("*.dmn")), ids=lambda p: p.name)
def test_statutory_tables_in_the_project_load_and_lint_clean(path):
    assert lint(load(path), require_annotations=True) == []
