"""Run an ordered list of scanners over one text and combine their verdicts."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from guardrails import keywords
from guardrails.normalize import normalize
from guardrails.policy_model import OnError
from guardrails.redaction import redact
from guardrails.scanner import SEVERITY, Action, ScanContext, Scanner, ScanResult, Span, TextView
from llmops.events import Finding

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChainVerdict:
    """The combined outcome of a chain on one text.

    Attributes:
        action: The most severe action any scanner asked for.
        text: The original text with every redact-span replaced (unchanged when nothing is redacted).
        findings: One finding per scanner that fired (or failed), with its latency.
        reason_code: Category of the first blocking finding, else None.
        categories: Categories of every finding, in chain order (``pii:email``, ``toxic``...).
    """

    action: Action
    text: str
    findings: tuple[Finding, ...]
    reason_code: str | None
    categories: tuple[str, ...]


class ScannerChain:
    """Scanners run in the configured order on the normalised text, each one timed.

    Scanners are synchronous and pure, so a timeout cannot interrupt one: a scanner
    that overruns ``timeout_s`` (or raises) is handled after it returns, by ``on_error``:
    fail-closed blocks the text, fail-open records the failure and ignores the verdict.
    Length limits first in the chain bound what any later scanner can cost.

    Args:
        stage: ``input`` (prompt) or ``output`` (completion).
        scanners: Scanners in the order they run.
        timeout_s: Longest time one scanner may take on one text.
        on_error: What a failed or overrunning scanner means.
    """

    def __init__(
        self,
        stage: str,
        scanners: list[Scanner],
        timeout_s: float = 0.05,
        on_error: OnError = OnError.FAIL_CLOSED,
    ) -> None:
        self.stage = stage
        self.scanners = scanners
        self.timeout_s = timeout_s
        self.on_error = on_error
        # Build the shared keyword automaton now: built lazily inside the first scan it was
        # timed as that scanner's latency, and a slow start blocked the first text (fail-closed).
        keywords.groups_in("")

    def run(self, text: str, context: ScanContext | None = None) -> ChainVerdict:
        """Scan ``text`` with every scanner and return the combined verdict."""
        normalized = normalize(text)
        stage, wants_json = (context.stage, context.wants_json) if context else (self.stage, False)
        context = ScanContext(stage, wants_json, TextView(normalized.text))
        action, reason = Action.ALLOW, None
        findings: list[Finding] = []
        spans: list[Span] = []
        scanned, clock, timeout_s = normalized.text, time.perf_counter, self.timeout_s
        for scanner in self.scanners:  # the hot loop: ~12 scanners per text, most find nothing
            started = clock()
            result = self._scan_one(scanner, scanned, context)
            elapsed = clock() - started
            if elapsed > timeout_s:
                result = self._failure(scanner, "scanner_timeout")
            elif result.score <= 0.0 and result.action is Action.ALLOW:
                continue  # not ``found`` (inlined: this runs for every scanner of every text)
            findings.append(self._finding(result, elapsed))
            if result.action is Action.REDACT:
                spans.extend(result.spans)
            elif result.action is Action.BLOCK and reason is None:
                reason = result.category
            if SEVERITY[result.action] > SEVERITY[action]:
                action = result.action
        redacted = redact(text, normalized.to_original(tuple(spans), len(text))) if spans else text
        return ChainVerdict(action, redacted, tuple(findings), reason, tuple(f["category"] for f in findings))

    def _scan_one(self, scanner: Scanner, text: str, context: ScanContext) -> ScanResult:
        try:
            return scanner.scan(text, context)
        except Exception as exc:  # any scanner bug is handled by the policy's on_error
            log.error("scanner failed", extra={"scanner": scanner.name, "error_type": type(exc).__name__})
            return self._failure(scanner, "scanner_error")

    def _failure(self, scanner: Scanner, category: str) -> ScanResult:
        action = Action.BLOCK if self.on_error is OnError.FAIL_CLOSED else Action.ALLOW
        return ScanResult(scanner.name, category, 1.0, action)

    def _finding(self, result: ScanResult, elapsed_s: float) -> Finding:
        return Finding(
            scanner=result.scanner,
            stage=self.stage,
            category=result.category,
            score=result.score,
            action=result.action.value,
            span_count=len(result.spans),
            latency_ms=elapsed_s * 1000,
        )
