"""Namespace URIs: the DMN versions this engine reads, and the expressionLanguage values that mean FEEL."""
from __future__ import annotations

NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
# expressionLanguage values that mean FEEL (compared case-insensitively, http = https, trailing / optional)
FEEL_LANGUAGES = ("FEEL", "http://www.omg.org/spec/FEEL/20140401", *(
    uri.replace("MODEL/", "FEEL/") for uri in NAMESPACES if uri.endswith("MODEL/")))


def _normal_language(uri: str) -> str:
    text = uri.strip().lower().rstrip("/")
    return "http://" + text[len("https://"):] if text.startswith("https://") else text


_FEEL = {_normal_language(uri) for uri in FEEL_LANGUAGES}


def is_feel(expression_language: str | None) -> bool:
    """True when an expressionLanguage attribute (None or empty: unset) means FEEL."""
    return not (expression_language or "").strip() or _normal_language(expression_language) in _FEEL
