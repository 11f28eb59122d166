"""Repository-wide pytest configuration: the shared fixtures of ``llmops.testing``."""

pytest_plugins = ["llmops.testing.fixtures"]
