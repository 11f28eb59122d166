"""Test support: fixtures that start the real local servers through the same code as ``llmops up``."""
