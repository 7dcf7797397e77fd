"""The decision model: plain dataclasses for definitions, decisions, tables, clauses, rules and cells."""
from __future__ import annotations

from dataclasses import dataclass, field

from .cells import Expression, UnaryTests
from .errors import DmnError
from .values import base_type as builtin_type

HIT_POLICIES = {"UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER"}
SINGLE_HIT = {"UNIQUE", "FIRST", "PRIORITY", "ANY"}
AGGREGATIONS = {"SUM", "MIN", "MAX", "COUNT"}


@dataclass
class Cell:
    """One cell's text and what it compiled to (UnaryTests for input entries, Expression otherwise);
    ``compiled`` is None and ``error`` set when the cell was refused (not FEEL)."""
    text: str
    compiled: UnaryTests | Expression | None = None
    error: DmnError | None = None


@dataclass
class InputClause:
    id: str
    label: str
    expression: Cell
    type_ref: str | None
    input_values: Cell | None = None  # inputValues, or the allowed values of the typeRef's itemDefinition

    @property
    def expression_text(self) -> str:
        return self.expression.text

    @property
    def column(self) -> str:
        return self.label or self.expression.text.strip() or self.id


@dataclass
class OutputClause:
    id: str
    name: str
    label: str
    type_ref: str | None
    output_values: Cell | None = None  # outputValues, or allowed values from the item definitions
    default: Cell | None = None

    @property
    def column(self) -> str:
        return self.name or self.label or self.id


@dataclass
class Rule:
    id: str
    row: int
    input_entries: list[Cell]
    output_entries: list[Cell]
    annotation: str = ""

    @property
    def input_texts(self) -> list[str]:
        return [cell.text for cell in self.input_entries]

    @property
    def output_texts(self) -> list[str]:
        return [cell.text for cell in self.output_entries]


@dataclass
class DecisionTable:
    id: str
    hit_policy: str
    aggregation: str | None
    inputs: list[InputClause]
    outputs: list[OutputClause]
    rules: list[Rule]
    type_ref: str | None = None
    output_label: str | None = None

    @property
    def single_hit(self) -> bool:
        return self.hit_policy in SINGLE_HIT


@dataclass
class Decision:
    id: str
    name: str
    required_decisions: list[str] = field(default_factory=list)
    required_inputs: list[str] = field(default_factory=list)
    table: DecisionTable | None = None
    literal: Cell | None = None
    type_ref: str | None = None
    variable_name: str | None = None
    unsupported: str | None = None  # the boxed expression kind this engine cannot evaluate, or "no expression"
    description: str = ""
    errors: list[DmnError] = field(default_factory=list)


@dataclass
class ItemDefinition:
    name: str
    type_ref: str | None
    allowed_values: Cell | None = None
    is_collection: bool = False
    components: dict[str, "ItemDefinition"] = field(default_factory=dict)


@dataclass
class InputData:
    id: str
    name: str
    type_ref: str | None


@dataclass
class Definitions:
    id: str
    name: str
    namespace: str
    dmn_version: str
    decisions: dict[str, Decision] = field(default_factory=dict)
    decisions_by_name: dict[str, Decision] = field(default_factory=dict)
    input_data: dict[str, InputData] = field(default_factory=dict)
    item_definitions: dict[str, ItemDefinition] = field(default_factory=dict)
    errors: list[DmnError] = field(default_factory=list)
    source: str | None = None
    expression_language: str | None = None  # the definitions' expressionLanguage (cells inherit it)

    def decision(self, id_or_name: str) -> Decision:
        found = self.decisions.get(id_or_name) or self.decisions_by_name.get(id_or_name)
        if found is None:
            known = ", ".join(sorted(self.decisions)) or "none"
            raise DmnError(f"no decision with id or name {id_or_name!r} (decisions: {known})", source=self.source)
        return found

    def item(self, type_ref: str | None) -> ItemDefinition | None:
        if not type_ref:
            return None
        return self.item_definitions.get(type_ref) or self.item_definitions.get(type_ref.split(":")[-1])

    def base_type(self, type_ref: str | None) -> str | None:
        """The FEEL built-in type a typeRef means, following item definitions ('tAge' -> 'number')."""
        seen = set()
        while type_ref and type_ref not in seen:
            seen.add(type_ref)
            if builtin_type(type_ref):
                return builtin_type(type_ref)
            item = self.item(type_ref)
            if item is None or item.components:
                return None
            type_ref = item.type_ref
        return None

    def allowed_values(self, type_ref: str | None, component: str | None = None) -> Cell | None:
        """Allowed values of an item definition (or of one of its components), following typeRefs."""
        seen, item = set(), self.item(type_ref)
        while item is not None and item.name not in seen:
            seen.add(item.name)
            if component is not None:
                if component not in item.components:
                    return None
                item, component = item.components[component], None
                seen.clear()
                continue
            if item.allowed_values is not None:
                return item.allowed_values
            item = self.item(item.type_ref)
        return None
