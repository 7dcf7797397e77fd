"""A task's form, as the page shows it: the fields of its JSON Schema (draft 2020-12) with its RJSF-style UI
schema, ready for ``templates/_form.html`` — no JavaScript needed to fill it in.

Covered (everything the forms in ``forms/`` use): ``type`` string / number / integer / boolean / array of
enums (and ``["string", "null"]``), ``enum`` and ``oneOf`` const + title, ``format: date``, ``readOnly``,
``default``, ``minLength`` / ``maxLength`` / ``minimum`` / ``maximum`` / ``exclusiveMinimum`` /
``exclusiveMaximum`` / ``pattern`` (as HTML5 attributes; the server checks them again), ``required``, and
``if``/``then``/``else`` (also inside ``allOf``) whose ``if`` names fields by ``const`` or ``enum``: the
fields ``then`` (or ``else``) requires carry a ``show_when`` condition that ``static/js/form-conditions.js``
uses to show them only when it applies — without JavaScript every field is shown.
UI schema: ``ui:order`` (with ``*``), ``ui:widget`` (radio, select, checkboxes, checkbox, textarea, text,
updown, date, hidden), ``ui:help``, ``ui:title``, ``ui:description``, ``ui:placeholder``, ``ui:readonly``,
``ui:disabled``, ``ui:autofocus``, ``ui:options`` (rows, inline, label), ``ui:submitButtonOptions``
(submitText, norender). Anything else (nested objects, arrays of objects) is a JSON text field.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field as dc_field

from flask_babel import gettext as _


@dataclass
class Option:
    value: str      # as posted and compared by the page's script
    label: str
    const: object   # the value in the data


@dataclass
class Field:
    name: str
    kind: str                       # text textarea number integer date radio select checkboxes hidden json readonly
    label: str
    schema: dict
    description: str | None = None
    help: str | None = None
    required: bool = False          # always
    show_when: list | None = None   # shown (and required) only when one of these holds; see form-conditions.js
    options: list[Option] = dc_field(default_factory=list)
    attrs: dict = dc_field(default_factory=dict)   # HTML5 validation and presentation attributes
    inline: bool = False
    autofocus: bool = False
    value: object = None            # what the input shows: a string, or a list of strings for checkboxes
    shown_value: str | None = None  # a read-only field's value in words
    error: str | None = None

    @property
    def id(self) -> str:
        return f"field-{self.name}"

    @property
    def show_when_json(self) -> str | None:
        return json.dumps(self.show_when, ensure_ascii=False) if self.show_when else None


@dataclass
class Form:
    title: str | None
    description: str | None
    fields: list[Field]
    submit_text: str | None
    submit_shown: bool = True


def encode(value) -> str:
    """A data value as an input's text (and as the conditions compare it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def types_of(schema: dict) -> set[str]:
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def options_of(schema: dict) -> list[Option]:
    if isinstance(schema.get("oneOf"), list) and all(isinstance(o, dict) and "const" in o for o in schema["oneOf"]):
        return [Option(encode(o["const"]), str(o.get("title", encode(o["const"]))), o["const"]) for o in schema["oneOf"]]
    if isinstance(schema.get("enum"), list):
        return [Option(encode(v), encode(v), v) for v in schema["enum"]]
    if "boolean" in types_of(schema):
        return [Option("true", _("Yes"), True), Option("false", _("No"), False)]
    return []


def _kind(schema: dict, ui: dict) -> str:
    widget = ui.get("ui:widget")
    types = types_of(schema) - {"null"}
    if schema.get("readOnly") or ui.get("ui:readonly"):
        return "readonly"
    if widget == "hidden":
        return "hidden"
    if "array" in types:
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return "checkboxes" if options_of(items) else "json"
    if types & {"object"} or len(types) > 1:
        return "json"
    if options_of(schema):
        return "select" if widget == "select" else "radio"
    if types == {"number"} or types == {"integer"}:
        return "integer" if types == {"integer"} else "number"
    if schema.get("format") == "date" or widget == "date":
        return "date"
    return "textarea" if widget == "textarea" else "text"


def _attrs(schema: dict, kind: str, ui: dict) -> dict:
    options = ui.get("ui:options") if isinstance(ui.get("ui:options"), dict) else {}
    attrs: dict = {}
    if kind in ("text", "textarea"):
        for key, attr in (("minLength", "minlength"), ("maxLength", "maxlength")):
            if isinstance(schema.get(key), int):
                attrs[attr] = schema[key]
        if kind == "text" and isinstance(schema.get("pattern"), str):
            attrs["pattern"] = schema["pattern"]
        if isinstance(options.get("rows"), int) and kind == "textarea":
            attrs["rows"] = options["rows"]
        if isinstance(ui.get("ui:placeholder"), str):
            attrs["placeholder"] = ui["ui:placeholder"]
    if kind in ("number", "integer"):
        attrs["step"] = "1" if kind == "integer" else "any"
        for key, attr in (("minimum", "min"), ("exclusiveMinimum", "min"), ("maximum", "max"),
                          ("exclusiveMaximum", "max")):
            if isinstance(schema.get(key), (int, float)) and not isinstance(schema.get(key), bool):
                attrs[attr] = schema[key]
        attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
    if ui.get("ui:disabled"):
        attrs["disabled"] = True
    return attrs


def _conditions(schema: dict) -> dict[str, list]:
    """field → the conditions under which an ``if``/``then``/``else`` requires it."""
    found: dict[str, list] = {}
    blocks = [schema] + [b for b in schema.get("allOf", []) if isinstance(b, dict)]
    for block in blocks:
        test = _test(block.get("if"))
        if test is None:
            continue
        for branch, negate in (("then", False), ("else", True)):
            for name in (block.get(branch) or {}).get("required", []) if isinstance(block.get(branch), dict) else []:
                found.setdefault(name, []).append({"all": test, "negate": negate})
    return found


def _test(condition) -> list | None:
    """``{"properties": {"x": {"const": v}}, "required": ["x"]}`` → ``[{"field": "x", "in": ["v"]}]``; None
    for an ``if`` this page does not understand (its fields then stay visible)."""
    if not isinstance(condition, dict) or not isinstance(condition.get("properties"), dict):
        return None
    if set(condition) - {"properties", "required"}:
        return None
    tests = []
    for name, rule in condition["properties"].items():
        if isinstance(rule, dict) and set(rule) == {"const"}:
            tests.append({"field": name, "in": [encode(rule["const"])]})
        elif isinstance(rule, dict) and set(rule) == {"enum"} and isinstance(rule["enum"], list):
            tests.append({"field": name, "in": [encode(v) for v in rule["enum"]]})
        else:
            return None
    return tests or None


def _order(properties: dict, ui_schema: dict) -> list[str]:
    order = ui_schema.get("ui:order")
    if not isinstance(order, list):
        return list(properties)
    named = [n for n in order if n in properties]
    rest = [n for n in properties if n not in named]
    if "*" in order:
        star = order.index("*")
        before = [n for n in order[:star] if n in properties]
        return before + rest + [n for n in order[star + 1:] if n in properties]
    return named + rest


def build(schema: dict | None, ui_schema: dict | None, data: dict | None = None) -> Form:
    """The form for ``schema`` with ``data`` (the task's current data, or what was posted) filled in."""
    schema = schema if isinstance(schema, dict) else {}
    ui_schema = ui_schema if isinstance(ui_schema, dict) else {}
    data = data if isinstance(data, dict) else {}
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = set(schema.get("required") or [])
    conditions = _conditions(schema)
    fields = []
    for name in _order(properties, ui_schema):
        prop = properties[name] if isinstance(properties[name], dict) else {}
        ui = ui_schema.get(name) if isinstance(ui_schema.get(name), dict) else {}
        ui_options = ui.get("ui:options") if isinstance(ui.get("ui:options"), dict) else {}
        kind = _kind(prop, ui)
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        options = options_of(items if kind == "checkboxes" else prop)
        value = data.get(name, prop.get("default"))
        item = Field(name=name, kind=kind, schema=prop,
                     label=str(ui.get("ui:title") or prop.get("title") or name),
                     description=ui.get("ui:description") or prop.get("description"),
                     help=ui.get("ui:help") if isinstance(ui.get("ui:help"), str) else None,
                     required=name in required and kind not in ("readonly", "hidden"),
                     show_when=conditions.get(name) if name not in required else None,
                     options=options, attrs=_attrs(prop, kind, ui),
                     inline=bool(ui_options.get("inline")), autofocus=bool(ui.get("ui:autofocus")))
        if kind == "checkboxes":
            item.value = [encode(v) for v in value] if isinstance(value, list) else []
        elif kind == "readonly":
            item.shown_value = _in_words(value, options_of(prop))
        elif kind == "json":
            item.value = "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2)
        else:
            item.value = encode(value)
        fields.append(item)
    submit = ui_schema.get("ui:submitButtonOptions") if isinstance(ui_schema.get("ui:submitButtonOptions"), dict) else {}
    return Form(title=schema.get("title"), description=schema.get("description"), fields=fields,
                submit_text=submit.get("submitText"), submit_shown=not submit.get("norender"))


def _in_words(value, options: list[Option]) -> str:
    if value is None or value == "":
        return "–"
    for option in options:
        if option.const == value and type(option.const) is type(value):
            return option.label
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return encode(value)
