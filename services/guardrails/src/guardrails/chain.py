"""Run an ordered list of scanners over one text and combine their verdicts."""

from __future__ import annotations

import time
from dataclasses import dataclass

from guardrails.redaction import redact
from guardrails.scanner import SEVERITY, Action, Scanner, Span
from llmops.events import Finding


@dataclass(frozen=True)
class ChainVerdict:
    """The combined outcome of a chain on one text.

    Attributes:
        action: The most severe action any scanner asked for.
        text: The text with every redact-span replaced (unchanged when allowed).
        findings: One finding per scanner that fired, with its latency.
        reason_code: Category of the first blocking finding, else None.
    """

    action: Action
    text: str
    findings: tuple[Finding, ...]
    reason_code: str | None


class ScannerChain:
    """Scanners run in the configured order, each one timed.

    Args:
        stage: ``input`` (prompt) or ``output`` (completion).
        scanners: Scanners in the order they run.
    """

    def __init__(self, stage: str, scanners: list[Scanner]) -> None:
        self.stage = stage
        self.scanners = scanners

    def run(self, text: str) -> ChainVerdict:
        """Scan ``text`` with every scanner and return the combined verdict."""
        action: Action = Action.ALLOW
        findings: list[Finding] = []
        spans: list[Span] = []
        reason: str | None = None
        for scanner in self.scanners:
            started = time.perf_counter()
            result = scanner.scan(text)
            latency_ms = (time.perf_counter() - started) * 1000
            if not result.found:
                continue
            findings.append(
                Finding(
                    scanner=result.scanner,
                    stage=self.stage,
                    category=result.category,
                    score=result.score,
                    action=result.action.value,
                    span_count=len(result.spans),
                    latency_ms=latency_ms,
                )
            )
            if result.action is Action.REDACT:
                spans.extend(result.spans)
            if result.action is Action.BLOCK and reason is None:
                reason = result.category
            if SEVERITY[result.action] > SEVERITY[action]:
                action = result.action
        return ChainVerdict(action, redact(text, spans) if spans else text, tuple(findings), reason)
