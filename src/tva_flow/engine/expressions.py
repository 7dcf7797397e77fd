"""Where a definition holds Python: every script and expression of a BPMN file, with its element and line.

Two readings of the same diagram, so that nothing reaches the sandbox unchecked at deploy:

* :func:`bpmn_expressions` walks the XML as a process owner wrote it (element ids and source lines for
  the message);
* :func:`spec_expressions` walks what SpiffWorkflow actually parsed (its parser is lenient: a script
  task takes any child whose tag ends in ``script``), so an expression the XML walk missed is still seen.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .sandbox import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DUE_PROPERTY = "dueDateExpression"

# Where a diagram holds Python, as SpiffWorkflow 3.2 parses and evaluates it: element -> (what, mode).
# Also Python: a user task's dueDateExpression and a service task's parameter values (attributes, below).
# spiffworkflow:messageVariable and variableName are names, not Python.
PYTHON_ELEMENTS = {
    f"{{{BPMN_NS}}}script": ("script", "exec"),                       # ScriptTask -> execute
    f"{{{SPIFF_NS}}}preScript": ("pre-script", "exec"),               # SpiffBpmnTask -> execute
    f"{{{SPIFF_NS}}}postScript": ("post-script", "exec"),
    f"{{{BPMN_NS}}}conditionExpression": ("condition", "eval"),       # sequence flows (_BpmnCondition)
    f"{{{BPMN_NS}}}condition": ("conditional event", "eval"),         # ConditionalEventDefinition
    f"{{{BPMN_NS}}}timeDate": ("timer date", "eval"),                 # TimerEventDefinition subclasses
    f"{{{BPMN_NS}}}timeDuration": ("timer duration", "eval"),
    f"{{{BPMN_NS}}}timeCycle": ("timer cycle", "eval"),
    f"{{{SPIFF_NS}}}messagePayload": ("message payload", "eval"),     # spiff MessageEventDefinition.throw
    f"{{{SPIFF_NS}}}payloadExpression": ("event payload", "eval"),    # signal, error, escalation
    f"{{{SPIFF_NS}}}expression": ("correlation expression", "eval"),  # in processVariableCorrelation
    f"{{{BPMN_NS}}}formalExpression": ("correlation expression", "eval"),  # in correlationPropertyRetrieval…
    f"{{{BPMN_NS}}}messagePath": ("correlation expression", "eval"),  # what SpiffWorkflow renames it to
    f"{{{BPMN_NS}}}loopCardinality": ("loop cardinality", "eval"),    # multi-instance
    f"{{{BPMN_NS}}}completionCondition": ("completion condition", "eval"),  # multi-instance, ad hoc
    f"{{{BPMN_NS}}}loopCondition": ("loop condition", "eval"),        # standard loop
}
_ONLY_INSIDE = {f"{{{BPMN_NS}}}formalExpression": "correlationPropertyRetrievalExpression",
                f"{{{SPIFF_NS}}}expression": "processVariableCorrelation"}
_NOT_ELEMENTS = ("EventDefinition", "LoopCharacteristics", "RetrievalExpression")


@dataclass(frozen=True)
class Expression:
    """Python in a diagram: where it is, what it is, its text."""
    element_id: str | None  # the task, event, flow or correlation property it belongs to
    line: int | None        # the source line its text starts on
    kind: str               # "script", "condition", "timer date", "due date", ...
    mode: str               # "exec" (scripts) or "eval" (expressions)
    text: str

    def line_of(self, problem: Problem) -> int | None:
        """The file's line of a problem inside the text (expressions are evaluated stripped)."""
        if self.line is None or problem.line is None:
            return self.line
        lead = self.text[:len(self.text) - len(self.text.lstrip())].count("\n") if self.mode == "eval" else 0
        return self.line + lead + problem.line - 1


def bpmn_expressions(root) -> list[Expression]:
    """Every script and expression of a parsed BPMN file, in document order."""
    found = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        kind, mode, text = *PYTHON_ELEMENTS.get(node.tag, (None, None)), node.text
        if node.tag in _ONLY_INSIDE and etree.QName(node.getparent()).localname != _ONLY_INSIDE[node.tag]:
            kind = None
        elif node.tag == f"{{{SPIFF_NS}}}property" and node.get("name") == DUE_PROPERTY:
            kind, mode, text = "due date", "eval", node.get("value")
        elif node.tag == f"{{{SPIFF_NS}}}parameter" and node.get("value") is not None:
            kind, mode, text = "service parameter", "eval", node.get("value")  # ServiceTask.evaluate_params
        if kind and text and text.strip():
            found.append(Expression(_owner_id(node), node.sourceline, kind, mode, text))
    return found


def _owner_id(node) -> str | None:
    """The id of the BPMN element the modeller sees: the event, not its event definition."""
    while node is not None:
        if node.get("id") and node.tag.startswith(f"{{{BPMN_NS}}}") and \
                not etree.QName(node).localname.endswith(_NOT_ELEMENTS):
            return node.get("id")
        node = node.getparent()
    return None


def spec_expressions(spec, subprocess_specs: dict) -> list[Expression]:
    """Every script and expression SpiffWorkflow will evaluate, read from the parsed specs (no lines)."""
    found = []

    def add(element_id, kind, mode, text):
        if isinstance(text, str) and text.strip():
            found.append(Expression(element_id, None, kind, mode, text))

    for process in (spec, *subprocess_specs.values()):
        add(process.name, "completion condition", "eval", getattr(process, "completion_condition", None))
        for task_spec in process.task_specs.values():
            element_id = getattr(task_spec, "bpmn_id", None) or task_spec.name
            add(element_id, "script", "exec", getattr(task_spec, "script", None))
            add(element_id, "pre-script", "exec", getattr(task_spec, "prescript", None))
            add(element_id, "post-script", "exec", getattr(task_spec, "postscript", None))
            add(element_id, "loop condition", "eval", getattr(task_spec, "condition", None))
            add(element_id, "loop cardinality", "eval", getattr(task_spec, "cardinality", None))
            for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
                add(element_id, "condition", "eval", (getattr(condition, "args", None) or [None])[0])
            for param in (getattr(task_spec, "operation_params", None) or {}).values():
                add(element_id, "service parameter", "eval", param.get("value") if isinstance(param, dict) else None)
            definition = getattr(task_spec, "event_definition", None)
            for event in [definition, *(getattr(definition, "event_definitions", None) or [])]:
                add(element_id, "event expression", "eval", getattr(event, "expression", None))
                for prop in getattr(event, "correlation_properties", None) or []:
                    add(element_id, "correlation expression", "eval", getattr(prop, "retrieval_expression", None))
    return found
