"""Sanity check: the verdict and the alert reports, and one real run through the local stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from drift.golden import load_golden_set
from drift.monitor import SANITY_TENANT
from drift.sanity import ProbeOutcome, golden_request
from drift.sanity_job import SanityJob
from drift.sanity_report import alert_reports, judge
from llmops import topics
from llmops.codec import AvroCodec
from llmops.errors import ConfigurationError
from llmops.localstack.components import HOST, StackConfig


def _outcome(answered: bool = True, action_ok: bool = True, latency_ok: bool = True) -> ProbeOutcome:
    return ProbeOutcome(
        "p", answered, "allow" if answered else None, action_ok, 10.0 if answered else None, latency_ok, "1"
    )


@pytest.mark.parametrize(
    ("outcomes", "failures", "degraded"),
    [
        ([_outcome(), _outcome()], {"answered": 0.0, "guardrail_outcome": 0.0, "latency": 0.0}, False),
        (
            [_outcome(), _outcome(answered=False, action_ok=False, latency_ok=False)],
            {"answered": 0.5, "guardrail_outcome": 0.5, "latency": 0.5},
            True,
        ),
        (
            [_outcome(), _outcome(action_ok=False)],
            {"answered": 0.0, "guardrail_outcome": 0.5, "latency": 0.0},
            True,
        ),
        (
            [_outcome(latency_ok=False), _outcome()],
            {"answered": 0.0, "guardrail_outcome": 0.0, "latency": 0.5},
            True,
        ),
    ],
)
def test_judge(outcomes: list[ProbeOutcome], failures: dict[str, float], degraded: bool) -> None:
    verdict = judge(outcomes)

    assert verdict.failures == failures
    assert verdict.degraded is degraded


def test_alert_reports_are_drift_reports_with_test_sanity(codec: AvroCodec) -> None:
    golden = load_golden_set()
    outcomes = [_outcome(), _outcome(action_ok=False)]

    reports = alert_reports(outcomes, judge(outcomes), golden, "llama", started_ms=1)

    assert [(r["feature"], r["drifted"]) for r in reports] == [
        ("sanity:answered", False),
        ("sanity:guardrail_outcome", True),
        ("sanity:latency", False),
    ]
    assert all(r["test"] == "sanity" and r["tenant"] == SANITY_TENANT for r in reports)
    assert all(r["reference_version"] == golden.version and r["model_version"] == "1" for r in reports)
    for report in reports:
        assert codec.decode(codec.encode("drift_report", report), "drift_report") == report


def test_golden_request_is_a_valid_request_marked_as_probe(codec: AvroCodec) -> None:
    prompt = load_golden_set().prompts[0]

    request = golden_request(prompt, "llama", "sanity-1")

    assert codec.decode(codec.encode("request", request), "request")["tenant"] == SANITY_TENANT
    assert request["metadata"]["golden_id"] == prompt.id and request["reply_to"] is None


def test_packaged_golden_set_covers_every_language_and_outcome() -> None:
    golden = load_golden_set()

    assert {p.language for p in golden.prompts} == {"en", "it", "es", "pt", "de", "fr"}
    assert {a for p in golden.prompts for a in p.expect_actions} >= {"allow", "redact"}


def test_malformed_golden_set_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "golden.json"
    path.write_text(json.dumps({"prompts": [{"id": "x"}]}))

    with pytest.raises(ConfigurationError, match="golden prompt set"):
        load_golden_set(path)


@pytest.mark.integration
async def test_sanity_run_through_the_local_stack(local_stack: StackConfig, codec: AvroCodec) -> None:
    published: list[tuple[str, dict[str, Any]]] = []

    async def publish(topic: str, value: bytes, key: bytes) -> None:
        published.append((topic, codec.decode(value, "drift_report")))

    golden = load_golden_set()
    job = SanityJob(
        f"{HOST}:{local_stack.ports.kafka}", codec, golden, "llama-3.1-8b", 60.0, 60_000.0, publish
    )

    outcomes, verdict = await job.run()

    assert len(outcomes) == len(golden.prompts)
    assert all(o.answered and o.latency_ms is not None for o in outcomes)
    assert verdict.failures["answered"] == 0.0 and verdict.failures["latency"] == 0.0
    assert [t for t, _ in published] == [topics.DRIFT.name] * 3
    guardrail = next(r for _, r in published if r["feature"] == "sanity:guardrail_outcome")
    assert guardrail["drifted"] is (verdict.failures["guardrail_outcome"] > 0)
