"""The drift monitor: events into windows, closed windows against baselines, results out.

Adding an event only touches memory. A closed window is queued and finished (baseline
lookup, tests, reports, retrain decision, publication) by :meth:`DriftMonitor.flush`,
which a failure (Redis or Kafka unavailable) leaves queued for the next timer tick: an
input event is never handled twice, so a retry cannot count it twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from drift import metric_defs as m
from drift.baseline_store import BaselineStore
from drift.detector import DriftDetector, TestResult
from drift.embedding import Embedder
from drift.features import FeatureRow, completion_features, response_features
from drift.reports import RetrainPolicy, drift_reports
from drift.windows import ClosedWindow, TumblingWindows, WindowKey
from llmops import topics
from llmops.codec import AvroCodec
from llmops.dead_letter import RawEvent
from llmops.errors import InvalidMessage, RetriableError

log = logging.getLogger(__name__)
Publish = Callable[[str, bytes, bytes], Awaitable[None]]
SANITY_TENANT = "llmops-sanity"


class DriftMonitor:
    """Windows, baselines, tests and outputs of the drift service.

    Args:
        windows: The tumbling windows.
        embedder: Embeds prompts and redacted outputs.
        detector: Runs the tests of a window.
        store: Baselines in Redis.
        policy: Decides retraining triggers.
        codec: Encodes reports and triggers.
        publish: Produces ``(topic, value, key)`` and returns once acknowledged.
        adopt_first_window: Make the first large-enough window the baseline of a new key.
        per_tenant: Key windows by tenant too.
    """

    def __init__(
        self,
        windows: TumblingWindows,
        embedder: Embedder,
        detector: DriftDetector,
        store: BaselineStore,
        policy: RetrainPolicy,
        codec: AvroCodec,
        publish: Publish,
        adopt_first_window: bool = True,
        per_tenant: bool = False,
    ) -> None:
        self.windows, self.embedder, self.detector = windows, embedder, detector
        self.store, self.policy, self.codec, self.publish = store, policy, codec, publish
        self.adopt_first_window, self.per_tenant = adopt_first_window, per_tenant
        self.pending: list[ClosedWindow] = []
        self._finishing = asyncio.Lock()  # both agents and the timer flush: one window is finished once

    async def observe_completion(self, completion: Mapping[str, Any], raw: RawEvent) -> None:
        """Handler for ``llm.completions.v1``."""
        await self._observe(completion, raw, completion_features)

    async def observe_response(self, response: Mapping[str, Any], raw: RawEvent) -> None:
        """Handler for ``llm.responses.v1``."""
        await self._observe(response, raw, response_features)

    async def _observe(
        self,
        event: Mapping[str, Any],
        raw: RawEvent,
        extract: Callable[[Mapping[str, Any], Embedder], FeatureRow],
    ) -> None:
        model = event.get("model") or {}
        m.EVENTS_OBSERVED.labels(raw.topic, model.get("alias", "")).inc()
        if event.get("tenant") == SANITY_TENANT:
            m.EVENTS_SKIPPED.labels(raw.topic, "sanity_probe").inc()
            return
        try:
            if self.embedder.slow:
                row = await asyncio.to_thread(extract, event, self.embedder)
            else:
                row = extract(event, self.embedder)
            key = WindowKey(model["alias"], model["version"], event["tenant"] if self.per_tenant else None)
            event_time = int(event["created_at"])
        except (InvalidMessage, KeyError, TypeError, ValueError) as exc:
            log.info("event skipped: missing feature field", extra={"reason": str(exc)[:200]})
            m.EVENTS_SKIPPED.labels(raw.topic, "missing_field").inc()
            return
        late = self.windows.late_events
        arrival = int(time.time() * 1000)
        self.pending.extend(self.windows.add(key, event_time, row, arrival, (raw.topic, raw.partition)))
        if self.windows.late_events > late:
            m.EVENTS_SKIPPED.labels(raw.topic, "late").inc()
        if self.pending:
            await self.flush()

    async def tick(self, _app: Any = None, now_ms: int | None = None) -> None:
        """Timer: close windows of quiet keys by the wall clock (``now_ms``, default now), then flush."""
        self.pending.extend(self.windows.close_due(int(time.time() * 1000) if now_ms is None else now_ms))
        await self.flush()

    async def flush(self) -> None:
        """Finish queued windows in order; stop at the first retriable failure (kept queued)."""
        async with self._finishing:
            while self.pending:
                try:
                    await self.finish(self.pending[0])
                except RetriableError as exc:
                    log.warning("window finishing postponed", extra={"error": str(exc)})
                    return
                self.pending.pop(0)

    async def finish(self, window: ClosedWindow) -> None:
        """Test one closed window against its baseline and publish what came out."""
        key, labels = window.key, (window.key.model, window.key.version)
        for stream, count in window.sample.events.items():
            m.WINDOW_EVENTS.labels(*labels, key.tenant or "", stream.value).set(count)
        baseline = await self.store.current(key)
        if baseline is None:
            await self._without_baseline(window)
            return
        await self.store.keep_window(key, window.start_ms, window.sample)
        started = time.perf_counter()
        results = await asyncio.to_thread(self.detector.compare, baseline.sample, window.sample)
        m.WINDOW_EVALUATION.observe(time.perf_counter() - started)
        now = int(time.time() * 1000)
        reports = drift_reports(window, results, str(baseline.version), now)
        for report in reports:
            await self.publish(
                topics.DRIFT.name, self.codec.encode("drift_report", report), report["feature"].encode()
            )
        self._export(window, results)
        trigger = self.policy.observe(window, reports, now)
        if trigger is not None:
            await self.publish(
                topics.RETRAIN.name, self.codec.encode("retrain_trigger", trigger), key.model.encode()
            )
            m.RETRAIN_TRIGGERS.labels(*labels).inc()
            log.warning("retrain triggered", extra={"model": key.label(), "reason": trigger["reason"]})

    async def _without_baseline(self, window: ClosedWindow) -> None:
        key = window.key
        big_enough = min(window.sample.events.values(), default=0) >= self.detector.config.min_samples
        if self.adopt_first_window and big_enough:
            baseline = await self.store.put(key, window.sample, source=f"window:{window.start_ms}")
            log.info("baseline adopted", extra={"model": key.label(), "baseline_version": baseline.version})
            m.WINDOWS_CLOSED.labels(key.model, key.version, "baseline").inc()
        else:
            reason = (
                "too few events for a baseline" if self.adopt_first_window else "no baseline (manual mode)"
            )
            log.info("window not tested: %s", reason, extra={"model": key.label()})
            m.WINDOWS_CLOSED.labels(key.model, key.version, "no_baseline").inc()
        await self.store.keep_window(key, window.start_ms, window.sample)

    def _export(self, window: ClosedWindow, results: list[TestResult]) -> None:
        key = window.key
        for r in results:
            labels = (key.model, key.version, key.tenant or "", r.feature, r.test)
            m.TEST_SCORE.labels(*labels).set(r.score)
            m.TEST_THRESHOLD.labels(*labels).set(r.threshold)
            m.TEST_DRIFTED.labels(*labels).set(-1 if r.drifted is None else int(r.drifted))
        verdicts = [r.drifted for r in results if r.drifted is not None]
        outcome = "insufficient" if not verdicts else ("drift" if any(verdicts) else "no_drift")
        if outcome == "insufficient":
            log.info("window has too few events for a verdict", extra={"model": key.label()})
        m.WINDOWS_CLOSED.labels(key.model, key.version, outcome).inc()
