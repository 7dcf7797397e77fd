"""A posted task form → the task's data, typed by its JSON Schema; and the service's field errors → fields.

Only the schema's own fields are read, never read-only ones (the page shows them; the process keeps
them). An empty input is left out, so a required field is reported as missing. A value the browser sent
that is not of its type (``"abc"`` for a number, which a browser's own checks rarely let through) is
reported in the user's language before anything is sent to the service.
"""
from __future__ import annotations

import json
import math

from flask_babel import gettext as _

from .. import forms as form_rules
from .form_model import Form, types_of

PRESENT = "__present__"  # a hidden input beside a group of checkboxes: the group was on the page


def parse(form: Form, posted) -> tuple[dict, dict[str, str]]:
    """(data, problems): ``posted`` is the request's form (a MultiDict); problems are the fields whose text
    could not be read as their type, with a message."""
    data: dict = {}
    problems: dict[str, str] = {}
    for field in form.fields:
        if field.kind in ("readonly",) or field.attrs.get("disabled"):
            continue
        if field.kind == "checkboxes":
            if posted.get(f"{PRESENT}{field.name}") is None and field.name not in posted:
                continue
            chosen = posted.getlist(field.name)
            by_text = {o.value: o.const for o in field.options}
            data[field.name] = [by_text.get(text, text) for text in chosen]
            continue
        text = posted.get(field.name)
        if text is None or not text.strip():
            continue
        if field.kind != "textarea":
            text = text.strip()
        value, problem = _typed(field, text)
        data[field.name] = value
        if problem:
            problems[field.name] = problem
    return data, problems


def _typed(field, text: str):
    """(value, problem) for one input's text."""
    if field.options:
        for option in field.options:
            if option.value == text:
                return option.const, None
        return text, _("Choose one of the options.")
    if field.kind == "json":
        try:
            return json.loads(text), None
        except ValueError:
            return text, _("Write the value as JSON.")
    types = types_of(field.schema) - {"null"}
    if types & {"number", "integer"}:
        cleaned = text.strip().replace(",", ".").replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
        try:
            number = float(cleaned)
        except ValueError:
            return text, _("Write a number.")
        if not math.isfinite(number):
            return text, _("Write a number.")
        if number.is_integer() and abs(number) <= 2 ** 53:
            return int(number), None
        if "integer" in types and "number" not in types:
            return text, _("Write a whole number.")
        return number, None
    if "boolean" in types:
        return {"true": True, "false": False}.get(text, text), None if text in ("true", "false") else _("Choose yes or no.")
    return text, None


def field_errors(form: Form, errors: dict | None, own: dict[str, str]) -> tuple[dict[str, str], list[tuple[str | None, str, str]]]:
    """The error of each field (its first), and the summary: (field id or None, label, message) in the
    form's order, then errors no field shows (e.g. about the form as a whole)."""
    by_field: dict[str, str] = {}
    loose: list[tuple[str | None, str, str]] = []
    names = {f.name for f in form.fields}
    for path, message in (errors or {}).items():
        top = str(path).split(".")[0]
        text = _("This information is required.") if message == form_rules.REQUIRED else str(message)
        if top in names:
            by_field.setdefault(top, text)
        else:
            loose.append((None, str(path), text))
    by_field.update(own)  # our own wording for text that was not of its type
    summary = [(f.id, f.label, by_field[f.name]) for f in form.fields if f.name in by_field]
    return by_field, summary + loose


def refill(form: Form, data: dict, posted) -> None:
    """Put back what the user entered (also what could not be read) so nothing typed is lost."""
    for field in form.fields:
        if field.kind in ("readonly",):
            continue
        if field.kind == "checkboxes":
            field.value = posted.getlist(field.name)
        elif field.name in posted:
            field.value = posted.get(field.name)
        elif field.name not in data:
            field.value = ""


__all__ = ["PRESENT", "field_errors", "parse", "refill"]
