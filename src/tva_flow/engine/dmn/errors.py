"""DmnError: every load or evaluation problem, located by table, rule and column."""
from __future__ import annotations


class DmnError(Exception):
    """A decision model problem. Attributes say where: ``decision_id`` (the table's decision),
    ``rule_id`` and ``row`` (1-based rule number), ``column`` (input label / output name) and, for hit
    policy violations, ``rule_ids`` (every rule involved)."""

    def __init__(self, message: str, *, decision_id: str | None = None, rule_id: str | None = None,
                 row: int | None = None, column: str | None = None, rule_ids: list[str] | None = None,
                 source: str | None = None):
        self.message = message
        self.decision_id = decision_id
        self.rule_id = rule_id
        self.row = row
        self.column = column
        self.rule_ids = list(rule_ids or ([rule_id] if rule_id else []))
        self.source = source
        super().__init__(self.location() + message)

    def location(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.decision_id:
            parts.append(f"decision {self.decision_id!r}")
        if self.rule_id:
            parts.append(f"rule {self.rule_id!r}" + (f" (row {self.row})" if self.row else ""))
        elif self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts) + ": " if parts else ""
