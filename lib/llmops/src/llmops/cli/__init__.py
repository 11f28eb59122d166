"""The ``llmops`` command."""
