"""Contract checks of a decoded request that the Avro schema cannot express.

A request that breaks them can never be answered by any model, so it is dead-lettered
with the reason (:class:`~llmops.errors.InvalidMessage`) rather than sent. An unknown
model alias is *not* checked here: the caller gets a completion saying so, because the
alias is a routing question the caller can fix and wants an answer to.
"""

from __future__ import annotations

from llmops.errors import InvalidMessage
from llmops.events import LlmRequest

ROLES = frozenset({"system", "user", "assistant", "tool", "developer"})


def check_request(request: LlmRequest) -> None:
    """Raise :class:`InvalidMessage` naming the first broken rule.

    Rules: a non-empty ``request_id``, ``tenant`` and ``model``; exactly one of
    ``messages`` and ``prompt``; known chat roles; ``max_tokens`` >= 1; ``temperature`` >= 0
    and ``top_p`` in (0, 1] when given.
    """
    for name in ("request_id", "tenant", "model"):
        if not request[name].strip():
            raise InvalidMessage(f"request field {name!r} is empty")
    has_prompt = bool(request["prompt"])
    if bool(request["messages"]) == has_prompt:
        raise InvalidMessage("a request needs exactly one of 'messages' and 'prompt'")
    roles = {m["role"] for m in request["messages"]} - ROLES
    if roles:
        raise InvalidMessage(f"unknown chat roles: {', '.join(sorted(roles))}")
    params = request["params"]
    if params["max_tokens"] < 1:
        raise InvalidMessage(f"max_tokens must be >= 1, got {params['max_tokens']}")
    if params["temperature"] is not None and params["temperature"] < 0:
        raise InvalidMessage("temperature must be >= 0")
    if params["top_p"] is not None and not 0 < params["top_p"] <= 1:
        raise InvalidMessage("top_p must be in (0, 1]")
