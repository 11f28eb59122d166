"""One sanity run end to end: probes, verdict, metrics, alert reports on ``llm.drift.v1``."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from drift.golden import GoldenSet
from drift.monitor import Publish
from drift.sanity import ProbeOutcome, run_probes
from drift.sanity_report import SanityVerdict, alert_reports, export_metrics, judge
from llmops import topics
from llmops.codec import AvroCodec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SanityJob:
    """The scheduled golden-set check (faust crontab in the service, or ``llmops drift sanity``).

    Attributes:
        bootstrap: Kafka brokers.
        codec: Encodes requests and reports.
        golden: The golden prompt set.
        model: Model alias the prompts ask for.
        timeout_s: How long to wait for answers.
        objective_ms: Latency objective per answer.
        publish: Produces the alert reports.
        allowed_failure_share: Failure share per check tolerated before alerting.
    """

    bootstrap: str
    codec: AvroCodec
    golden: GoldenSet
    model: str
    timeout_s: float
    objective_ms: float
    publish: Publish
    allowed_failure_share: float = 0.0

    async def run(self, _app: object = None) -> tuple[list[ProbeOutcome], SanityVerdict]:
        """Run once; returns the outcomes and the verdict (also exported and published)."""
        started = int(time.time() * 1000)
        outcomes = await run_probes(
            self.bootstrap, self.codec, self.golden, self.model, self.timeout_s, self.objective_ms
        )
        verdict = judge(outcomes, self.allowed_failure_share)
        export_metrics(outcomes, verdict)
        reports = alert_reports(
            outcomes, verdict, self.golden, self.model, started, self.allowed_failure_share
        )
        for report in reports:
            await self.publish(topics.DRIFT.name, self.codec.encode("drift_report", report), b"sanity")
        level = logging.WARNING if verdict.degraded else logging.INFO
        log.log(
            level, "sanity run finished", extra={"degraded": verdict.degraded, "failures": verdict.failures}
        )
        return outcomes, verdict
