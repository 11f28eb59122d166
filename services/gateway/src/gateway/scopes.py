"""OAuth2 scopes the gateway's endpoints require."""

from __future__ import annotations

CHAT = "chat"
"""Generate: chat and text completions, asynchronous requests and their results."""

MODELS_READ = "models:read"
"""List the model aliases (``chat`` also grants it)."""
