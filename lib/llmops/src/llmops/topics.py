"""The topic map: every topic, its schema, key, partitions, producers and consumers.

This module is the single place that says which service writes and reads which
topic; ARCHITECTURE.md's table, ``schemas/`` and the services' pipelines are checked
against it by the contract tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmops import events


@dataclass(frozen=True)
class TopicSpec:
    """One Kafka topic of the platform.

    Attributes:
        name: Topic name (versioned: a breaking contract change gets a new topic).
        schema: Schema name in ``schemas/`` (``<schema>.v<N>.avsc``).
        event_type: TypedDict describing the latest schema version.
        key: What the message key is.
        partitions: Partitions to create (the unit of consumer parallelism).
        producers: Services (or outside parties) that write the topic.
        consumers: Services (or outside parties) that read the topic.
    """

    name: str
    schema: str
    event_type: type
    key: str
    partitions: int
    producers: tuple[str, ...]
    consumers: tuple[str, ...]


REQUESTS = TopicSpec(
    "llm.requests.v1",
    "request",
    events.LlmRequest,
    "request_id",
    6,
    ("gateway", "backend services", "guardrails"),  # guardrails: paraphrase rewrites
    ("inference", "audit"),
)
COMPLETIONS = TopicSpec(
    "llm.completions.v1",
    "completion",
    events.LlmCompletion,
    "request_id",
    6,
    ("inference",),
    ("guardrails", "audit", "drift"),
)
RESPONSES = TopicSpec(
    "llm.responses.v1",
    "response",
    events.LlmResponse,
    "request_id",
    6,
    ("guardrails",),
    ("gateway", "backend services", "audit", "drift"),
)
DRIFT = TopicSpec(
    "llm.drift.v1",
    "drift_report",
    events.DriftReport,
    "feature",
    3,
    ("drift",),
    ("ops", "alerting"),
)
RETRAIN = TopicSpec(
    "llm.retrain.v1",
    "retrain_trigger",
    events.RetrainTrigger,
    "model",
    3,
    ("drift",),
    ("retraining pipelines",),
)
DEADLETTER = TopicSpec(
    "llm.deadletter.v1",
    "dead_letter",
    events.DeadLetter,
    "source key",
    3,
    ("gateway", "inference", "guardrails", "drift", "audit"),
    ("ops",),
)

ALL_TOPICS: tuple[TopicSpec, ...] = (REQUESTS, COMPLETIONS, RESPONSES, DRIFT, RETRAIN, DEADLETTER)
BY_NAME: dict[str, TopicSpec] = {t.name: t for t in ALL_TOPICS}


def topic(name: str) -> TopicSpec:
    """Return the spec of a topic by name.

    Raises:
        KeyError: With the known names, when ``name`` is not a platform topic.
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown topic {name!r}; known: {', '.join(BY_NAME)}") from None


def consumed_by(service: str) -> list[TopicSpec]:
    """Return the topics a service reads."""
    return [t for t in ALL_TOPICS if service in t.consumers]


def produced_by(service: str) -> list[TopicSpec]:
    """Return the topics a service writes."""
    return [t for t in ALL_TOPICS if service in t.producers]
