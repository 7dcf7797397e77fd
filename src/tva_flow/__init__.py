"""tva-flow: Finland's statutory public employment services as executable BPMN."""

__version__ = "0.1.0"
