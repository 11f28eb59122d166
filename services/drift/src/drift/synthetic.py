"""Synthetic traffic with designed shifts, for the accuracy evaluation and the benchmark.

A stream is a sequence of windows of completion and response events (the real event
shapes, so features go through the real extraction). Every stream draws its own base
traffic (language mix, topic mix, length and latency scales) from its seed, and a shift
of a randomly drawn size inside a designed range, so nothing is tuned to one stream.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from drift.language import LANGUAGES


def _words(text: str) -> list[str]:
    return text.split()


_FILLERS = {
    "en": _words("the and is of to in that it for with this you what how can please would"),
    "it": _words("il la di che è e non per con una sono del come anche ma più questo vorrei"),
    "es": _words("el los que y es en por con una para como pero más está este hay quiero"),
    "pt": _words("o os que e é em no na por com uma para como mas mais não está você"),
    "de": _words("der die das und ist nicht ein eine zu mit von auf für ich wir wie bitte"),
    "fr": _words("le la les des et est un une du en que qui pour dans pas sur avec vous"),
}
TOPICS = {
    "support": _words(
        "account password login reset error ticket refund order delivery shipping app crash "
        "update install device subscription invoice cancel support agent issue"
    ),
    "finance": _words(
        "loan mortgage rate interest bank card transfer iban payment budget tax invest "
        "stock bond portfolio savings credit debt pension fund"
    ),
    "content": _words(
        "story poem essay article summary translate rewrite headline blog tweet caption "
        "slogan review outline draft chapter novel script lyrics tone"
    ),
    "coding": _words(
        "python function class bug stack trace compile deploy docker kubernetes query sql "
        "index api endpoint json regex test refactor lint"
    ),
}
TOPIC_NAMES = tuple(TOPICS)


@dataclass(frozen=True)
class TrafficProfile:
    """The distribution one window of traffic is drawn from."""

    languages: tuple[float, ...]
    topics: tuple[float, ...]
    output_topics: tuple[float, ...]
    prompt_tokens_log_mean: float
    output_tokens_log_mean: float
    ms_per_token: float
    block_rate: float
    redact_rate: float


def base_profile(rng: np.random.Generator) -> TrafficProfile:
    """A random but plausible traffic profile."""
    topics = tuple(float(x) for x in rng.dirichlet(np.full(len(TOPICS), 4.0)))
    return TrafficProfile(
        languages=tuple(float(x) for x in rng.dirichlet(np.full(len(LANGUAGES), 3.0))),
        topics=topics,
        output_topics=topics,
        prompt_tokens_log_mean=float(rng.uniform(3.0, 4.5)),
        output_tokens_log_mean=float(rng.uniform(4.0, 5.2)),
        ms_per_token=float(rng.uniform(8.0, 25.0)),
        block_rate=float(rng.uniform(0.01, 0.05)),
        redact_rate=float(rng.uniform(0.03, 0.12)),
    )


def _move_mass(mix: tuple[float, ...], share: float, rng: np.random.Generator) -> tuple[float, ...]:
    """Move ``share`` of the whole mass from the mix's largest part to another part."""
    probabilities = np.array(mix)
    source = int(np.argmax(probabilities))
    target = int(rng.choice([i for i in range(len(mix)) if i != source]))
    moved = min(share, probabilities[source])
    probabilities[source] -= moved
    probabilities[target] += moved
    return tuple(float(x) for x in probabilities)


def shifted_profile(profile: TrafficProfile, shift: str, rng: np.random.Generator) -> TrafficProfile:
    """Apply a designed shift of random size (ranges stated in the evaluation's table)."""
    if shift == "length":
        return replace(
            profile, prompt_tokens_log_mean=profile.prompt_tokens_log_mean + float(rng.uniform(0.25, 0.5))
        )
    if shift == "language":
        return replace(profile, languages=_move_mass(profile.languages, float(rng.uniform(0.15, 0.3)), rng))
    if shift == "topic":
        topics = _move_mass(profile.topics, float(rng.uniform(0.2, 0.35)), rng)
        return replace(profile, topics=topics, output_topics=topics)
    if shift == "embedding":
        return replace(
            profile, output_topics=_move_mass(profile.output_topics, float(rng.uniform(0.2, 0.35)), rng)
        )
    if shift == "none":
        return profile
    raise ValueError(f"unknown shift {shift!r}")
