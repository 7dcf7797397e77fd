"""What a request may be: its size, its media type, and JSON the store and every client can keep.

Checked before a request reaches a route, so a refused request changes nothing:

* a body over the limit → 413 (``max_json_bytes`` for JSON, ``max_deployment_bytes`` for uploads);
* a body that is not JSON where JSON is expected (or not multipart where files are) → 415;
* JSON with ``NaN``/``Infinity``, numbers out of range, nesting deeper than ``max_json_depth``, NUL
  characters or lone UTF-16 surrogates (``"\\ud800"``, which no database can store) → 400 naming the field.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from ..engine.sandbox_guards import RESERVED_KEY
from ..errors import BadRequest
from ..text import storable

MiB = 1024 * 1024
# Integers beyond 2**53 lose their value in a browser (JavaScript numbers); nothing here needs more.
MAX_SAFE_INTEGER = 2 ** 53 - 1


@dataclass(frozen=True)
class Limits:
    max_json_bytes: int = 1 * MiB
    max_deployment_bytes: int = 10 * MiB
    max_json_depth: int = 32

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(**{name: int(config[f"TVA_FLOW_{name.upper()}"]) for name in cls.__dataclass_fields__
                      if config.get(f"TVA_FLOW_{name.upper()}") is not None})


UPLOAD_ENDPOINTS = {"definitions.deployments"}


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def install(app: Flask, limits: Limits) -> None:
    app.config["MAX_CONTENT_LENGTH"] = max(limits.max_json_bytes, limits.max_deployment_bytes)
    app.extensions["tva_flow_limits"] = limits

    @app.before_request
    def _check_body():
        upload = request.endpoint in UPLOAD_ENDPOINTS
        limit = limits.max_deployment_bytes if upload else limits.max_json_bytes
        request.max_content_length = limit  # also bounds a chunked body while it is read
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge(f"the request body is larger than {limit} bytes")
        if request.method not in ("POST", "PUT", "PATCH") or not _has_body():
            return
        if not request.path.startswith("/api/"):  # the browser desk posts forms (tva_flow.web)
            return
        mimetype = request.mimetype or ""
        if upload and mimetype != "multipart/form-data":
            raise UnsupportedMediaType("definition files are uploaded as multipart/form-data")
        if not upload and not _is_json(mimetype):
            raise UnsupportedMediaType("the request body must be JSON (Content-Type: application/json)")


def _has_body() -> bool:
    if request.content_length is not None:
        return request.content_length > 0
    return "chunked" in (request.headers.get("Transfer-Encoding") or "").lower()


def loads(data: bytes | str, max_depth: int = Limits.max_json_depth):
    """Strict JSON: what ``json.loads`` reads, less what a store or a client cannot keep (400 if so)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_int, parse_float=_float)
    except _Refused as exc:
        raise BadRequest(f"the request body is not acceptable JSON: {exc}", {"body": str(exc)}) from None
    except RecursionError:
        raise BadRequest("the request body is nested too deeply",
                         {"body": f"more than {max_depth} levels of nesting"}) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("the request body is not valid JSON", {"body": f"invalid JSON: {exc}"}) from None
    problem = _check(value, max_depth)
    if problem:
        where, what = problem
        raise BadRequest(f"the request body is not acceptable JSON: {where}: {what}", {where: what})
    return value


class _Refused(ValueError):
    """JSON that parses but that the store or a client could not keep."""


def _refuse_constant(name: str):
    raise _Refused(f"{name} is not a number JSON allows")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER:
        raise _Refused(f"the integer {text[:20]}{'…' if len(text) > 20 else ''} is out of range "
                       f"(at most {MAX_SAFE_INTEGER} either way)")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:20]} is out of range")
    return value


def _check(value, max_depth: int) -> tuple[str, str] | None:
    """(field path, problem) for the first nesting or text problem, else None; no recursion."""
    stack = [(value, "body", 1)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, (dict, list)) and depth > max_depth:
            return path, f"nested more than {max_depth} levels deep"
        if isinstance(item, dict):
            for key, inner in item.items():
                if not storable(key):
                    return path, "a key is not valid text (a NUL or a lone surrogate)"
                if key == RESERVED_KEY:
                    return path, f"the key '{RESERVED_KEY}' is reserved for the engine"
                stack.append((inner, f"{path}.{key}" if path != "body" else key, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}.{i}", depth + 1) for i, inner in enumerate(item))
        elif isinstance(item, str) and not storable(item):
            return path, "not valid text (a NUL character, or a lone surrogate such as \\ud800)"
    return None
