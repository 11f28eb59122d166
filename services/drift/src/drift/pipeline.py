"""Drift pipeline: tap ``llm.completions.v1`` and ``llm.responses.v1`` and count what it sees.

This first version observes the stream (per topic and model) so the windows and
distribution tests have their input wired and measured.
"""

from __future__ import annotations

from typing import Any

from drift.metric_defs import EVENTS_OBSERVED
from drift.settings import DriftSettings
from llmops import topics
from llmops.dead_letter import RawEvent
from llmops.events import LlmCompletion, LlmResponse
from llmops.streaming_service import StreamingService


def build(settings: DriftSettings, **faust_overrides: Any) -> StreamingService:
    """Wire the drift service: taps on completions and responses."""
    service = StreamingService("drift", settings, **faust_overrides)

    async def observe_completion(completion: LlmCompletion, raw: RawEvent) -> None:
        EVENTS_OBSERVED.labels(raw.topic, completion["model"]["alias"]).inc()

    async def observe_response(response: LlmResponse, raw: RawEvent) -> None:
        EVENTS_OBSERVED.labels(raw.topic, response["model"]["alias"]).inc()

    service.consume(topics.COMPLETIONS, observe_completion)
    service.consume(topics.RESPONSES, observe_response)
    return service
