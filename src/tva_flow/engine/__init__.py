"""The engine: SpiffWorkflow behind a small facade (definitions, runtime, clock, expression functions)."""
