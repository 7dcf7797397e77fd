"""Write small DMN documents for tests: one decision table as a process owner would model it."""
from __future__ import annotations

from xml.sax.saxutils import escape

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def table(rules, *, inputs, outputs, hit_policy="UNIQUE", aggregation=None, decision_id="decision",
          name="Päätös", ns=DMN13, extra="", requires=()) -> str:
    """``inputs``: [(label, expression, typeRef)] (+ optional inputValues text);
    ``outputs``: [(name, typeRef)] (+ optional outputValues text);
    ``rules``: [([input entries], [output entries])] (+ optional annotation)."""
    parts = [f'<definitions xmlns="{ns}" id="defs" name="Testit" namespace="urn:test">',
             f'<decision id="{decision_id}" name="{escape(name)}">']
    parts += [f'<informationRequirement><requiredDecision href="#{r}"/></informationRequirement>' for r in requires]
    agg = f' aggregation="{aggregation}"' if aggregation else ""
    parts.append(f'<decisionTable id="{decision_id}_table" hitPolicy="{hit_policy}"{agg}>')
    for i, (label, expression, type_ref, *values) in enumerate(inputs, 1):
        parts.append(f'<input id="in{i}" label="{escape(label)}"><inputExpression typeRef="{type_ref}">'
                     f'<text>{escape(expression)}</text></inputExpression>')
        if values:
            parts.append(f"<inputValues><text>{escape(values[0])}</text></inputValues>")
        parts.append("</input>")
    for i, (out_name, type_ref, *values) in enumerate(outputs, 1):
        parts.append(f'<output id="out{i}" name="{out_name}" typeRef="{type_ref}">')
        if values:
            parts.append(f"<outputValues><text>{escape(values[0])}</text></outputValues>")
        parts.append("</output>")
    for row, (entries_in, entries_out, *note) in enumerate(rules, 1):
        parts.append(f'<rule id="r{row}">')
        parts += [f"<inputEntry><text>{escape(t)}</text></inputEntry>" for t in entries_in]
        parts += [f"<outputEntry><text>{escape(t)}</text></outputEntry>" for t in entries_out]
        if note:
            parts.append(f"<annotationEntry><text>{escape(note[0])}</text></annotationEntry>")
        parts.append("</rule>")
    parts += ["</decisionTable>", "</decision>", extra, "</definitions>"]
    return "\n".join(parts)
