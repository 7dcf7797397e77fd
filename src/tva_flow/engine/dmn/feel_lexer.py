"""FEEL tokenizer: text -> (kind, value, position) tokens; string-literal unescaping."""
from __future__ import annotations

import re

from .feel_errors import FeelSyntaxError

_MULTIWORD = re.compile(r"(date\s+and\s+time|years\s+and\s+months\s+duration)(?=\s*\()")
_TOKEN = re.compile(r"""(?P<ws>\s+)|(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<op>\.\.|<=|>=|!=|\*\*|[-+*/<>=(),\[\]{}.:?])|(?P<name>[^\W\d]\w*)""", re.X)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
KEYWORDS = {"and", "or", "not", "if", "then", "else", "true", "false", "null", "in", "between", "for",
            "some", "every", "return", "satisfies", "instance", "of", "function"}


def unescape(body: str) -> str:
    simple = {"n": "\n", "t": "\t", "r": "\r"}
    return _ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 5
                       else simple.get(m.group(1), m.group(1)), body)


def tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _MULTIWORD.match(text, pos)
        if m:
            tokens.append(("name", " ".join(m.group(1).split()), pos))
            pos = m.end()
            continue
        m = _TOKEN.match(text, pos)
        if not m:
            raise FeelSyntaxError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        if m.lastgroup != "ws":
            tokens.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    tokens.append(("eof", "", len(text)))
    return tokens
