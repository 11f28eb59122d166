"""Reports per window and the retraining trigger: persistence, cooldown, evidence."""

from __future__ import annotations

from drift.detector import TestResult
from drift.features import Stream
from drift.reports import RetrainPolicy, drift_reports
from drift.sample import FeatureSample
from drift.windows import ClosedWindow, WindowKey

KEY = WindowKey("llama", "1")
HOUR = 3_600_000


def _window(index: int) -> ClosedWindow:
    return ClosedWindow(KEY, index * HOUR, (index + 1) * HOUR, FeatureSample(events={Stream.COMPLETION: 500}))


def _reports(index: int, drifted: bool | None) -> list:  # type: ignore[type-arg]
    test = "min_samples" if drifted is None else "ks"
    result = TestResult("prompt_tokens", test, 0.3, 0.1, drifted, 500, 500)
    return drift_reports(_window(index), [result], "3", now_ms=0)


def test_report_fields() -> None:
    (report,) = _reports(2, True)

    assert report["window_start"] == 2 * HOUR and report["window_end"] == 3 * HOUR
    assert (report["feature"], report["test"], report["drifted"]) == ("prompt_tokens", "ks", True)
    assert report["reference_version"] == "3" and report["tenant"] is None


def test_trigger_after_n_consecutive_drifted_windows_with_evidence() -> None:
    policy = RetrainPolicy(after_windows=3, cooldown_ms=0)
    verdicts = [policy.observe(_window(i), _reports(i, True), 0) for i in range(3)]

    assert verdicts[:2] == [None, None]
    trigger = verdicts[2]
    assert trigger is not None
    assert trigger["consecutive_windows"] == 3
    assert [r["window_start"] for r in trigger["evidence"]] == [0, HOUR, 2 * HOUR]
    assert "prompt_tokens" in trigger["reason"]


def test_a_clean_window_resets_the_run() -> None:
    policy = RetrainPolicy(after_windows=2, cooldown_ms=0)
    pattern = [True, False, True, True]

    triggers = [policy.observe(_window(i), _reports(i, d), 0) for i, d in enumerate(pattern)]

    assert [t is not None for t in triggers] == [False, False, False, True]


def test_windows_without_verdict_neither_extend_nor_break_the_run() -> None:
    policy = RetrainPolicy(after_windows=2, cooldown_ms=0)
    pattern = [True, None, True]

    triggers = [policy.observe(_window(i), _reports(i, d), 0) for i, d in enumerate(pattern)]

    assert [t is not None for t in triggers] == [False, False, True]


def test_cooldown_suppresses_repeated_triggers() -> None:
    policy = RetrainPolicy(after_windows=1, cooldown_ms=3 * HOUR)

    triggers = [policy.observe(_window(i), _reports(i, True), 0) for i in range(5)]

    assert [t is not None for t in triggers] == [True, False, False, True, False]
