"""Form schemas: check that a file is a JSON Schema, and validate submitted data against one."""
from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for


def schema_problem(schema) -> str | None:
    """None when ``schema`` is a valid JSON Schema, else what is wrong with it."""
    if not isinstance(schema, dict):
        return "a form schema must be a JSON object"
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        return f"not a valid JSON Schema: {exc.message}"
    return None


def field_errors(schema: dict, data) -> dict[str, str]:
    """Failing fields of ``data`` (dotted paths) with the reason; empty when the data is acceptable."""
    cls = validator_for(schema, default=Draft202012Validator)
    validator = cls(schema, format_checker=FormatChecker())
    fields: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            fields[".".join(path + [missing])] = "pakollinen tieto puuttuu (required)"
        elif error.validator == "additionalProperties":
            for name in _unexpected(error):
                fields[".".join(path + [name])] = "tuntematon kenttä (not in the form)"
        else:
            fields[".".join(path) or "$"] = error.message
    return fields


def _unexpected(error) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    return sorted(k for k in error.instance if k not in allowed) if isinstance(error.instance, dict) else []
