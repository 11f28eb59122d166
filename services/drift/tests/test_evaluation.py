"""The accuracy evaluation: its table and targets, on a few out-of-sample streams."""

from __future__ import annotations

from drift.detector import DetectionConfig
from drift.evaluation import ScenarioSummary, evaluate, format_table, run_stream, targets_met


def test_shift_detected_and_control_quiet() -> None:
    config = DetectionConfig()

    shifted = run_stream("language", seed=4242, events_per_window=300, config=config)
    control = run_stream("none", seed=4243, events_per_window=300, config=config)

    assert shifted.verdicts[:2] == (False, False)
    assert True in shifted.verdicts[2:4]
    assert "prompt_language" in set().union(*shifted.drifted_features[2:4])
    assert not any(control.verdicts)


def test_table_reports_every_scenario_against_targets() -> None:
    config = DetectionConfig()
    rows = evaluate(range(7000, 7001), 120, config, controls_per_seed=1)

    table = format_table(rows, 120, config)

    assert [r.scenario for r in rows] == ["length", "language", "topic", "embedding", "none"]
    assert "target >= 95%" in table and "target <= 5%" in table


def test_targets() -> None:
    good = [
        ScenarioSummary("length", 20, 1.0, 1.0, 0.0, 0, 40),
        ScenarioSummary("none", 40, None, None, 0.025, 3, 120),
    ]
    missed = [ScenarioSummary("length", 20, 0.9, 1.2, 0.0, 0, 40), *good[1:]]
    noisy = [good[0], ScenarioSummary("none", 40, None, None, 0.2, 24, 120)]

    assert targets_met(good)
    assert not targets_met(missed)
    assert not targets_met(noisy)
