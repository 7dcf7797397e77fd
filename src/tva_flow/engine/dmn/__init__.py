"""tva-flow's decision engine: DMN 1.1-1.5 decision tables and literal expressions with FEEL cells
(FEEL only: anything else is refused at load), every hit policy, required decisions, a trace, and a
linter. Independent of SpiffWorkflow.

    defs = load("dmn/startup_grant_terms.dmn")
    result = evaluate(defs, "startup_grant_terms", {"decision_date": "2026-03-10"})
    to_json(result.value)      # the decision's result as JSON
    result.matched             # [{"rule_id", "row", "annotation"}] - which rule decided
    lint(defs, require_annotations=True)   # list of warnings
"""
from .errors import DmnError
from .evaluate import DecisionResult, evaluate
from .lint import lint
from .loader import load_definitions as load
from .model import Definitions
from .values import to_json

__all__ = ["load", "evaluate", "lint", "to_json", "DmnError", "DecisionResult", "Definitions"]
