"""Per-event features, and which stream each one comes from.

``llm.completions.v1`` carries the request, so prompt-side features come from it
(prompt and output token counts, latency, finish reason, prompt language and
embedding). ``llm.responses.v1`` carries the guardrail verdict and the *redacted*
final text, so guardrail outcomes and the output embedding come from it: drift never
embeds an unredacted output. Texts live only in memory for the time of one call;
features are numbers, categories and vectors, never text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from drift.embedding import Embedder, Vector
from drift.language import detect_language
from llmops.errors import InvalidMessage


class Kind(StrEnum):
    """How a feature is tested."""

    CONTINUOUS = "continuous"  # KS on values, PSI/KL/JS on reference-quantile bins
    CATEGORICAL = "categorical"  # PSI/KL/JS on category frequencies
    EMBEDDING = "embedding"  # centroid cosine distance, MMD with an RBF kernel


class Stream(StrEnum):
    """Which tapped topic a feature is read from."""

    COMPLETION = "completion"
    RESPONSE = "response"


@dataclass(frozen=True)
class FeatureSpec:
    """One feature: its name, kind and source stream."""

    name: str
    kind: Kind
    stream: Stream


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("prompt_tokens", Kind.CONTINUOUS, Stream.COMPLETION),
    FeatureSpec("output_tokens", Kind.CONTINUOUS, Stream.COMPLETION),
    FeatureSpec("latency_ms", Kind.CONTINUOUS, Stream.COMPLETION),
    FeatureSpec("finish_reason", Kind.CATEGORICAL, Stream.COMPLETION),
    FeatureSpec("prompt_language", Kind.CATEGORICAL, Stream.COMPLETION),
    FeatureSpec("prompt_embedding", Kind.EMBEDDING, Stream.COMPLETION),
    FeatureSpec("guardrail_action", Kind.CATEGORICAL, Stream.RESPONSE),
    FeatureSpec("guardrail_category", Kind.CATEGORICAL, Stream.RESPONSE),
    FeatureSpec("output_embedding", Kind.EMBEDDING, Stream.RESPONSE),
)
FEATURES_BY_NAME = {spec.name: spec for spec in FEATURES}


@dataclass
class FeatureRow:
    """The features of one event, by name (numbers, category labels or vectors)."""

    stream: Stream
    values: dict[str, float | str | Vector] = field(default_factory=dict)


def _get(event: Mapping[str, Any], *path: str) -> Any:
    value: Any = event
    for name in path:
        if not isinstance(value, Mapping) or value.get(name) is None:
            raise InvalidMessage(f"missing field {'.'.join(path)}")
        value = value[name]
    return value


def prompt_text(request: Mapping[str, Any]) -> str:
    """The prompt of a request: the plain prompt, else the user turns of the chat."""
    if request.get("prompt"):
        return str(request["prompt"])
    messages = request.get("messages") or []
    return "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")


def completion_features(completion: Mapping[str, Any], embedder: Embedder) -> FeatureRow:
    """Features of a ``llm.completions.v1`` event.

    Raises:
        InvalidMessage: When a field a feature needs is missing (the caller counts and skips it).
    """
    text = prompt_text(_get(completion, "request"))
    return FeatureRow(
        Stream.COMPLETION,
        {
            "prompt_tokens": float(_get(completion, "usage", "input_tokens")),
            "output_tokens": float(_get(completion, "usage", "output_tokens")),
            "latency_ms": float(_get(completion, "timings", "total_ms")),
            "finish_reason": str(_get(completion, "finish_reason")),
            "prompt_language": detect_language(text),
            "prompt_embedding": embedder.embed(text),
        },
    )


def response_features(response: Mapping[str, Any], embedder: Embedder) -> FeatureRow:
    """Features of a ``llm.responses.v1`` event (guardrail outcome, redacted output).

    Raises:
        InvalidMessage: When a field a feature needs is missing.
    """
    findings = response.get("findings") or []
    flagged = [f for f in findings if f.get("action", "allow") != "allow"]
    category = max(flagged, key=lambda f: float(f.get("score", 0.0)))["category"] if flagged else "none"
    return FeatureRow(
        Stream.RESPONSE,
        {
            "guardrail_action": str(_get(response, "action")),
            "guardrail_category": str(category),
            "output_embedding": embedder.embed(str(response.get("text") or "")),
        },
    )


def stack_vectors(vectors: list[Vector], dimension: int) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Stack vectors into an ``(n, dimension)`` float32 matrix (empty when none)."""
    if not vectors:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.vstack(vectors).astype(np.float32, copy=False)
