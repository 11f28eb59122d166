"""Drawing completion and response events from a :class:`~drift.synthetic.TrafficProfile`."""

from __future__ import annotations

from typing import Any

import numpy as np

from drift.language import LANGUAGES
from drift.synthetic import _FILLERS, TOPIC_NAMES, TOPICS, TrafficProfile

MODEL = {
    "alias": "llama-3.1-8b",
    "version": "1",
    "model_id": "m",
    "revision": "main",
    "endpoint": "x",
    "backend": "tgi",
    "canary": False,
}


def _text(language: str, topic: str, words: int, rng: np.random.Generator) -> str:
    fillers, content = _FILLERS[language], TOPICS[topic]
    vocabulary = fillers + content
    picks = np.where(
        rng.random(words) < 0.5,
        rng.integers(0, len(fillers), words),
        rng.integers(len(fillers), len(vocabulary), words),
    )
    return " ".join(vocabulary[i] for i in picks)


def draw_events(
    profile: TrafficProfile, count: int, start_ms: int, length_ms: int, rng: np.random.Generator
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``count`` (completion, response) pairs with times spread over one window."""
    languages = rng.choice(len(LANGUAGES), size=count, p=profile.languages)
    topics = rng.choice(len(TOPIC_NAMES), size=count, p=profile.topics)
    output_topics = rng.choice(len(TOPIC_NAMES), size=count, p=profile.output_topics)
    prompt_tokens = np.maximum(1, rng.lognormal(profile.prompt_tokens_log_mean, 0.5, size=count)).astype(int)
    output_tokens = np.minimum(
        512, np.maximum(1, rng.lognormal(profile.output_tokens_log_mean, 0.6, size=count))
    ).astype(int)
    latency = 30.0 + output_tokens * profile.ms_per_token * rng.gamma(20.0, 1 / 20.0, size=count)
    actions = rng.choice(
        3,
        size=count,
        p=[1 - profile.block_rate - profile.redact_rate, profile.redact_rate, profile.block_rate],
    )
    times = np.sort(rng.integers(start_ms, start_ms + length_ms, size=count))
    pairs = []
    for i in range(count):
        language = LANGUAGES[languages[i]]
        prompt = _text(language, TOPIC_NAMES[topics[i]], max(1, int(prompt_tokens[i] * 0.75)), rng)
        output = _text(
            language, TOPIC_NAMES[output_topics[i]], max(1, int(min(output_tokens[i], 120) * 0.75)), rng
        )
        action = ("allow", "redact", "block")[actions[i]]
        completion = {
            "request_id": f"r-{start_ms}-{i}",
            "tenant": "acme",
            "request": {"prompt": prompt, "messages": []},
            "text": output,
            "finish_reason": "length" if output_tokens[i] >= 512 else "stop",
            "usage": {"input_tokens": int(prompt_tokens[i]), "output_tokens": int(output_tokens[i])},
            "timings": {"queue_ms": 0.0, "first_token_ms": None, "total_ms": float(latency[i])},
            "model": MODEL,
            "created_at": int(times[i]),
        }
        findings = (
            []
            if action == "allow"
            else [
                {
                    "scanner": "s",
                    "stage": "output",
                    "category": "pii" if action == "redact" else "toxicity",
                    "score": 0.9,
                    "action": action,
                    "span_count": 1,
                    "latency_ms": 0.1,
                }
            ]
        )
        response = {
            "request_id": completion["request_id"],
            "tenant": "acme",
            "model": MODEL,
            "text": output,
            "action": action,
            "findings": findings,
            "created_at": int(times[i]) + 5,
        }
        pairs.append((completion, response))
    return pairs
