"""``llm.drift.v1`` reports from test results, and ``llm.retrain.v1`` triggers from persistence.

A feature without enough events is reported with ``test="min_samples"``,
``score`` = events in the window, ``threshold`` = events required and ``drifted=false``:
the window says it had too little data instead of giving a verdict.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field

from drift.detector import TestResult
from drift.windows import ClosedWindow, WindowKey
from llmops.events import DriftReport, RetrainTrigger


def drift_reports(
    window: ClosedWindow, results: list[TestResult], reference_version: str, now_ms: int
) -> list[DriftReport]:
    """One report per (feature, test) of ``window``."""
    return [
        DriftReport(
            report_id=str(uuid.uuid4()),
            model=window.key.model,
            model_version=window.key.version,
            tenant=window.key.tenant,
            window_start=window.start_ms,
            window_end=window.end_ms,
            feature=r.feature,
            test=r.test,
            score=r.score,
            threshold=r.threshold,
            drifted=bool(r.drifted),
            reference_size=r.reference_size,
            current_size=r.current_size,
            reference_version=reference_version,
            created_at=now_ms,
        )
        for r in results
    ]


@dataclass
class _Persistence:
    consecutive: int = 0
    evidence: deque[DriftReport] = field(default_factory=lambda: deque(maxlen=50))
    last_trigger_ms: int | None = None


class RetrainPolicy:
    """Asks for retraining when drift persists over ``after_windows`` windows, at most once per cooldown.

    A window without any verdict (too little data) neither extends nor breaks a run of
    drifted windows. Cooldown is measured in event time (window ends), so a replay
    triggers the same way as the live stream did.

    Args:
        after_windows: Consecutive drifted windows needed.
        cooldown_ms: Minimum distance between triggers of one key.
    """

    def __init__(self, after_windows: int, cooldown_ms: int) -> None:
        self.after_windows = after_windows
        self.cooldown_ms = cooldown_ms
        self._state: dict[WindowKey, _Persistence] = {}

    def observe(self, window: ClosedWindow, reports: list[DriftReport], now_ms: int) -> RetrainTrigger | None:
        """Record one window's reports; return a trigger when one is due."""
        state = self._state.setdefault(window.key, _Persistence())
        verdicts = [r for r in reports if r["test"] != "min_samples"]
        if not verdicts:
            return None
        drifted = [r for r in verdicts if r["drifted"]]
        if not drifted:
            state.consecutive = 0
            state.evidence.clear()
            return None
        state.consecutive += 1
        state.evidence.extend(drifted)
        cooling = (
            state.last_trigger_ms is not None and window.end_ms - state.last_trigger_ms < self.cooldown_ms
        )
        if state.consecutive < self.after_windows or cooling:
            return None
        state.last_trigger_ms = window.end_ms
        features = sorted({r["feature"] for r in state.evidence})
        trigger = RetrainTrigger(
            trigger_id=str(uuid.uuid4()),
            model=window.key.model,
            model_version=window.key.version,
            reason=f"drift on {', '.join(features)} for {state.consecutive} consecutive windows",
            consecutive_windows=state.consecutive,
            evidence=list(state.evidence),
            created_at=now_ms,
        )
        state.consecutive = 0
        state.evidence.clear()
        return trigger
