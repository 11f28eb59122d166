"""Valid JSON when the request asked for it (``params.response_format == "json_object"``)."""

from __future__ import annotations

import json

from guardrails.scanner import Action, ScanContext, ScanResult

_FENCE = "```"


class JsonOutputScanner:
    """Block an output that is not one JSON object when a JSON object was requested.

    A single Markdown code fence around the object is tolerated (models add them often).

    Args:
        action: What an invalid output asks for (``block`` by default).
    """

    name = "json_output"
    category = "invalid_json"

    def __init__(self, action: Action | None = None) -> None:
        self.action = action or Action.BLOCK
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """Parse only when JSON was asked for; anything but an object fails."""
        if not context.wants_json:
            return self._nothing
        body = text.strip()
        if body.startswith(_FENCE) and body.endswith(_FENCE):
            body = body[3:-3].removeprefix("json").strip()
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return self._nothing
        return ScanResult(self.name, self.category, 1.0, self.action)
