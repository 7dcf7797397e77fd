"""Form schemas: check that a file is a JSON Schema fit to deploy, and validate submitted data against one.

Two limits keep a form from becoming a way into the server:

* ``$ref`` resolves only inside the schema itself, in the deployed form files (by file name, e.g.
  ``{"$ref": "common.schema.json#/$defs/postal_code"}``) and in the JSON Schema meta-schemas that ship with
  jsonschema. Nothing is ever fetched from the network or read from disk; any other ``$ref`` is refused at
  deploy, as is one to a missing form or to a place that does not exist.
* ``pattern`` and ``patternProperties`` run on the ``regex`` module with a time limit per check and a
  budget per submission, so a pattern with catastrophic backtracking gives a field error, never a busy CPU.
"""
from __future__ import annotations

import contextvars
import functools
import time
from urllib.parse import urldefrag, urljoin, urlsplit

import regex
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import extend, validator_for
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Registry, Resource
from referencing.exceptions import NoSuchAnchor, NoSuchResource, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012, specification_with

PATTERN_TIMEOUT = 0.1  # seconds one pattern may take on one value
PATTERN_BUDGET = 1.0  # seconds all patterns together may take on one submission
REQUIRED = "pakollinen tieto puuttuu (required)"
UNKNOWN = "tuntematon kenttä (not in the form)"
TOO_SLOW = "tarkistus kesti liian kauan (the pattern took too long to check)"

_DATA = {"const", "enum", "examples", "default"}  # their values are data, never schemas
_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"}
_REFS = ("$ref", "$dynamicRef", "$recursiveRef")
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("pattern_deadline", default=None)


class FormSchemaError(ValueError):
    """The form schema cannot be used to check data (``schema_problem`` would have refused it at deploy)."""


def schema_problem(schema, forms: dict[str, dict] | None = None) -> str | None:
    """None when ``schema`` is a JSON Schema fit to deploy, else what is wrong with it.

    ``forms`` are the deployment's form files by file name: the only documents a ``$ref`` may name.
    """
    if not isinstance(schema, dict):
        return "a form schema must be a JSON object"
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        at = "".join(f"/{_escape(p)}" for p in exc.absolute_path)
        return f"not a valid JSON Schema: {exc.message}" + (f" (at {at})" if at else "")
    return "; ".join(_check(schema, forms)[0]) or None


def referenced_forms(schema, forms: dict[str, dict] | None = None) -> set[str]:
    """The other form files ``schema``'s ``$ref``s name; with ``forms``, also those their ``$ref``s name."""
    if not isinstance(schema, dict):
        return set()
    asked = _check(schema, forms)[1]
    return {name for name in asked if (name in forms if forms is not None else _is_file_name(name))}


def field_errors(schema: dict, data, forms: dict[str, dict] | None = None) -> dict[str, str]:
    """Failing fields of ``data`` (dotted paths) with the reason; empty when the data is acceptable.

    Raises ``FormSchemaError`` for a schema that ``schema_problem`` refuses for its ``$ref``s or patterns.
    """
    problems, _ = _check(schema, forms)
    if problems:
        raise FormSchemaError("; ".join(problems))
    cls = _bounded(validator_for(schema, default=Draft202012Validator))
    validator = cls(schema, format_checker=FormatChecker(), registry=_registry(forms, set()))
    token = _deadline.set(time.monotonic() + PATTERN_BUDGET)
    try:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    except Unresolvable as exc:
        raise FormSchemaError(f"$ref {getattr(exc, 'ref', '?')!r} does not resolve") from exc
    finally:
        _deadline.reset(token)
    fields: dict[str, str] = {}
    for error in errors:
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            fields[".".join(path + [missing])] = REQUIRED
        elif error.validator == "additionalProperties":  # one error per unknown field, at that field
            fields[".".join(path)] = UNKNOWN
        else:
            fields[".".join(path) or "$"] = error.message
    return fields


# -- $ref: the schema, the deployed forms and the meta-schemas, nothing else --------------------------------
def _registry(forms, asked: set[str]) -> Registry:
    """Serves ``forms`` by file name and records what was asked for; refuses every other URI."""
    forms = {name: form for name, form in (forms or {}).items() if isinstance(form, dict)}

    def retrieve(uri: str):
        asked.add(uri)
        if uri in forms:
            return Resource.from_contents(forms[uri], default_specification=DRAFT202012)
        raise NoSuchResource(ref=uri)

    return Registry(retrieve=retrieve)


def _check(schema: dict, forms) -> tuple[list[str], set[str]]:
    """Problems with the ``$ref``s and patterns of ``schema`` and of the forms it reaches, and the URIs its
    ``$ref``s asked the registry for (besides the schema itself and the meta-schemas)."""
    asked: set[str] = set()
    registry = SPECIFICATIONS.combine(_registry(forms, asked))
    problems, todo, seen = [], [("", schema)], {""}
    unevaluated, pattern_properties = [], False
    while todo:
        name, document = todo.pop(0)
        if not isinstance(document, dict):
            continue
        spec = specification_with(str(document.get("$schema", "")), default=DRAFT202012)
        resource = spec.create_resource(document)
        uri = urljoin(name, own) if isinstance(own := resource.id(), str) else name
        resolver_registry = registry.with_resource(uri, resource)
        where = f"in {name}: " if name else ""
        for pointer, base, node in _schemas(document, uri, spec.id_of):
            for keyword in _REFS:
                ref = node.get(keyword)
                if isinstance(ref, str) and (problem := _unresolved(resolver_registry, base, ref)):
                    problems.append(f"{where}{keyword} {ref!r} at {pointer or '/'} {problem}")
            patterns = [(f"{pointer}/pattern", node["pattern"])] if isinstance(node.get("pattern"), str) else []
            if isinstance(node.get("patternProperties"), dict):
                pattern_properties = True
                patterns += [(f"{pointer}/patternProperties/{_escape(p)}", p) for p in node["patternProperties"]]
            for at, pattern in patterns:
                try:
                    regex.compile(pattern)
                except (regex.error, TypeError) as exc:
                    problems.append(f"{where}pattern {pattern!r} at {at} does not compile: {exc}")
            if "unevaluatedProperties" in node:
                unevaluated.append(f"{where}{pointer or '/'}")
        for other in sorted(asked - seen):
            seen.add(other)
            if isinstance((forms or {}).get(other), dict):
                todo.append((other, forms[other]))
    if unevaluated and pattern_properties:
        problems.append(f"unevaluatedProperties (at {', '.join(unevaluated)}) cannot be used together with "
                        "patternProperties: those patterns would be checked without a time limit")
    return problems, asked


def _unresolved(registry: Registry, base: str, ref: str) -> str | None:
    try:
        registry.resolver(base_uri=base).lookup(ref)
    except (PointerToNowhere, NoSuchAnchor):
        return "points to nothing in its document"
    except Unresolvable:
        target = urldefrag(urljoin(base, ref)).url
        if _is_file_name(target):
            return "names a form file that is not deployed"
        return "points outside the deployed forms" + (f" (to {target!r})" if target != urldefrag(ref).url else "")
    return None


def _schemas(node, base: str, id_of, pointer: str = "", in_map: bool = False):
    """(JSON pointer, base URI, object) for every schema object in ``node``, including those under unknown
    keywords (a ``$ref`` may point there); the values of ``const``, ``enum``, … are data and are skipped."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _schemas(item, base, id_of, f"{pointer}/{i}")
    elif isinstance(node, dict):
        if not in_map:
            base = urljoin(base, own) if isinstance(own := id_of(node), str) else base
            yield pointer, base, node
        for key, value in node.items():
            if in_map or key not in _DATA:
                yield from _schemas(value, base, id_of, f"{pointer}/{_escape(key)}", not in_map and key in _MAPS)


def _is_file_name(uri: str) -> bool:
    return bool(uri) and not urlsplit(uri).scheme and "/" not in uri and "\\" not in uri


def _escape(key) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


# -- patterns: the regex module with a time limit -----------------------------------------------------------
def _search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches somewhere in ``text``; TimeoutError when its time (or the budget) is up."""
    deadline = _deadline.get()
    left = PATTERN_TIMEOUT if deadline is None else min(PATTERN_TIMEOUT, deadline - time.monotonic())
    if left <= 0:
        raise TimeoutError
    return regex.search(pattern, text, concurrent=True, timeout=left) is not None  # other threads run meanwhile


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string"):
        try:
            if not _search(pattern, instance):
                yield ValidationError(f"{instance!r} does not match {pattern!r}")
        except TimeoutError:
            yield ValidationError(TOO_SLOW)


def _pattern_properties(validator, pattern_properties, instance, schema):
    if validator.is_type(instance, "object"):
        for pattern, subschema in pattern_properties.items():
            for key, value in instance.items():
                try:
                    if _search(pattern, key):
                        yield from validator.descend(value, subschema, path=key, schema_path=pattern)
                except TimeoutError:
                    yield ValidationError(TOO_SLOW, path=[key])


def _additional_properties(validator, additional, instance, schema):
    """As jsonschema's, with bounded patterns and one error per unknown field (at that field)."""
    if not validator.is_type(instance, "object"):
        return
    known, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    for key, value in instance.items():
        try:
            if key in known or any(_search(p, key) for p in patterns):
                continue
        except TimeoutError:
            yield ValidationError(TOO_SLOW, path=[key], validator="pattern")
            continue
        if validator.is_type(additional, "object"):
            yield from validator.descend(value, additional, path=key)
        elif additional is False:
            yield ValidationError(f"{key!r} is not one of the form's fields", path=[key])


@functools.cache
def _bounded(cls):
    keywords = {"pattern": _pattern, "patternProperties": _pattern_properties,
                "additionalProperties": _additional_properties}
    return extend(cls, {k: f for k, f in keywords.items() if k in cls.VALIDATORS})
