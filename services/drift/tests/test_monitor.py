"""The monitor end to end with a real Redis: baseline adoption, reports, retraining, bad input."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import numpy as np
import pytest
import redis.asyncio as aioredis
from prometheus_client import REGISTRY

from drift.baseline_store import BaselineStore
from drift.detector import DetectionConfig, DriftDetector
from drift.embedding import HashingEmbedder
from drift.monitor import SANITY_TENANT, DriftMonitor
from drift.reports import RetrainPolicy
from drift.synthetic import base_profile, shifted_profile
from drift.traffic import draw_events
from drift.windows import TumblingWindows, WindowKey
from llmops import topics
from llmops.codec import AvroCodec
from llmops.dead_letter import RawEvent

pytestmark = pytest.mark.integration
WINDOW_MS = 60_000
Factory = Callable[..., dict[str, Any]]


class Published:
    """What the monitor produced, decoded."""

    def __init__(self, codec: AvroCodec) -> None:
        self.codec = codec
        self.reports: list[dict[str, Any]] = []
        self.triggers: list[dict[str, Any]] = []

    async def __call__(self, topic: str, value: bytes, key: bytes) -> None:
        if topic == topics.DRIFT.name:
            self.reports.append(self.codec.decode(value, "drift_report"))
        else:
            self.triggers.append(self.codec.decode(value, "retrain_trigger"))


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


def _monitor(client: aioredis.Redis, published: Published, min_samples: int = 100) -> DriftMonitor:
    embedder = HashingEmbedder()
    return DriftMonitor(
        TumblingWindows(WINDOW_MS, 0, 2000, embedder.dimension),
        embedder,
        DriftDetector(DetectionConfig(min_samples=min_samples)),
        BaselineStore(client),
        RetrainPolicy(after_windows=2, cooldown_ms=10 * WINDOW_MS),
        published.codec,
        published,
    )


def _raw(topic: str) -> RawEvent:
    return RawEvent(topic=topic, partition=0, offset=0, key=None, value=b"", headers=(), timestamp_ms=None)


async def _feed(
    monitor: DriftMonitor, pairs: list[tuple[dict[str, Any], dict[str, Any]]], version: str
) -> None:
    for completion, response in pairs:
        completion["model"] = response["model"] = {**completion["model"], "version": version}
        await monitor.observe_completion(completion, _raw(topics.COMPLETIONS.name))
        await monitor.observe_response(response, _raw(topics.RESPONSES.name))


async def test_baseline_then_reports_then_retrain(redis_client: aioredis.Redis, codec: AvroCodec) -> None:
    published, version = Published(codec), str(uuid.uuid4())
    monitor = _monitor(redis_client, published)
    rng = np.random.default_rng(11)
    before = base_profile(rng)
    after = shifted_profile(before, "length", rng)
    profiles = [before, before, after, after]
    for index, profile in enumerate(profiles):
        await _feed(monitor, draw_events(profile, 250, index * WINDOW_MS, WINDOW_MS, rng), version)
    await monitor.tick(now_ms=2**62)  # the wall clock is far past the last window: it closes too

    baseline = await BaselineStore(redis_client).current(WindowKey("llama-3.1-8b", version))
    assert baseline is not None and baseline.version == 1
    windows = sorted({r["window_start"] for r in published.reports})
    assert windows == [WINDOW_MS, 2 * WINDOW_MS, 3 * WINDOW_MS]  # the first window became the baseline
    drifted_by_window = {
        w: any(r["drifted"] for r in published.reports if r["window_start"] == w) for w in windows
    }
    assert drifted_by_window == {WINDOW_MS: False, 2 * WINDOW_MS: True, 3 * WINDOW_MS: True}
    (trigger,) = published.triggers
    assert trigger["consecutive_windows"] == 2 and trigger["model_version"] == version
    assert {r["feature"] for r in trigger["evidence"]} >= {"prompt_tokens"}
    assert all(r["reference_version"] == "1" for r in published.reports)


async def test_small_window_says_so(
    redis_client: aioredis.Redis, codec: AvroCodec, make_completion: Factory, make_response: Factory
) -> None:
    published, version = Published(codec), str(uuid.uuid4())
    monitor = _monitor(redis_client, published, min_samples=20)
    rng = np.random.default_rng(12)
    await _feed(monitor, draw_events(base_profile(rng), 40, 0, WINDOW_MS, rng), version)
    await _feed(monitor, draw_events(base_profile(rng), 5, WINDOW_MS, WINDOW_MS, rng), version)
    await monitor.tick(now_ms=2**62)

    assert published.reports
    assert {r["test"] for r in published.reports} == {"min_samples"}
    assert all(
        not r["drifted"] and r["current_size"] == 5 and r["threshold"] == 20 for r in published.reports
    )


def _skipped(topic: str, reason: str) -> float:
    labels = {"topic": topic, "reason": reason}
    return REGISTRY.get_sample_value("llmops_drift_events_skipped_total", labels) or 0.0


async def test_missing_fields_and_probes_are_counted_and_skipped(
    redis_client: aioredis.Redis, codec: AvroCodec, make_completion: Factory, make_response: Factory
) -> None:
    monitor = _monitor(redis_client, Published(codec))
    topic = topics.COMPLETIONS.name
    missing, probes = _skipped(topic, "missing_field"), _skipped(topic, "sanity_probe")

    await monitor.observe_completion(make_completion(usage=None), _raw(topic))
    await monitor.observe_completion(make_completion(model={"alias": "x"}), _raw(topic))
    await monitor.observe_completion(make_completion(tenant=SANITY_TENANT), _raw(topic))

    assert _skipped(topic, "missing_field") == missing + 2
    assert _skipped(topic, "sanity_probe") == probes + 1
    assert monitor.windows.close_due(now_ms=2**62) == []
