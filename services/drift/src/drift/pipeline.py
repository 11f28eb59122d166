"""Drift pipeline, on one screen.

``llm.completions.v1`` ─┐                      ┌─► llm.drift.v1 (a report per feature and test per window)
                        ├─► features ─► windows ─► tests vs. baseline (Redis) ─┤
``llm.responses.v1``  ──┘                      ├─► llm.retrain.v1 (drift persisting over N windows)
                                               └─► Prometheus gauges
timer: closes windows of quiet streams;  crontab: golden-set sanity check ─► llm.drift.v1 (test="sanity")
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import redis.asyncio as aioredis

from drift.baseline_store import BaselineStore
from drift.detector import DetectionConfig, DriftDetector
from drift.embedding import make_embedder
from drift.golden import load_golden_set
from drift.monitor import DriftMonitor
from drift.reports import RetrainPolicy
from drift.sanity_job import SanityJob
from drift.settings import DriftSettings
from drift.windows import TumblingWindows
from llmops import preflight, topics
from llmops.streaming_service import StreamingService


def build(settings: DriftSettings, **faust_overrides: Any) -> StreamingService:
    """Wire the drift service: taps, windows, tests, outputs, timers."""
    service = StreamingService("drift", settings, **faust_overrides)
    service.preflight.append(preflight.redis(settings.redis_url))
    redis = aioredis.Redis.from_url(settings.redis_url)
    embedder = make_embedder(settings.embedding, settings.embedding_dimension)
    monitor = DriftMonitor(
        windows=TumblingWindows(
            settings.window_s * 1000, settings.grace_s * 1000, settings.sample_capacity, embedder.dimension
        ),
        embedder=embedder,
        detector=DriftDetector(detection_config(settings)),
        store=BaselineStore(redis, settings.window_ttl_s),
        policy=RetrainPolicy(settings.retrain_after_windows, settings.retrain_cooldown_s * 1000),
        codec=service.codec,
        publish=service.send,
        adopt_first_window=settings.baseline_mode == "first_window",
        per_tenant=settings.per_tenant,
    )
    service.consume(topics.COMPLETIONS, monitor.observe_completion)
    service.consume(topics.RESPONSES, monitor.observe_response)
    service.app.timer(settings.close_check_s, name="drift_close_windows")(monitor.tick)
    service.readiness.add("redis", redis.ping)
    if settings.sanity_cron:
        job = SanityJob(
            settings.kafka_bootstrap,
            service.codec,
            load_golden_set(),
            settings.sanity_model,
            settings.sanity_timeout_s,
            settings.sanity_latency_objective_ms,
            service.send,
        )
        service.app.crontab(settings.sanity_cron, timezone=UTC, on_leader=True)(job.run)
    return service


def detection_config(settings: DriftSettings) -> DetectionConfig:
    """The detector's configuration from the service settings."""
    return DetectionConfig(
        false_alarm_rate=settings.false_alarm_rate,
        min_samples=settings.min_samples,
        null_draws=settings.null_draws,
        fixed_thresholds=dict(settings.thresholds),
    )
