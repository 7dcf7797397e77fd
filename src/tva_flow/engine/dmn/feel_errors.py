"""FEEL's exceptions: text that is not FEEL, FEEL this engine does not evaluate, failed evaluation."""
from __future__ import annotations


class FeelSyntaxError(ValueError):
    """The text is not FEEL (or not the FEEL this engine reads)."""


class FeelUnsupported(FeelSyntaxError):
    """The text is FEEL, but uses a part of FEEL this engine does not evaluate (`for`, `some`, ...)."""


class FeelError(Exception):
    """Evaluation failed in a way FEEL's null cannot express (unknown function, failing caller function)."""
