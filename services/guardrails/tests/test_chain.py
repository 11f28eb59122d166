"""ScannerChain: configured order, per-scanner timing, the most severe action decides."""

from __future__ import annotations

import time

import pytest

from guardrails.chain import ScannerChain
from guardrails.policy_model import OnError
from guardrails.scanner import Action, ScanContext, ScanResult, Span
from guardrails.scanners.email import EmailScanner


class StubScanner:
    """A scanner with a fixed verdict that records when it ran and can take its time."""

    def __init__(
        self,
        name: str,
        action: Action = Action.ALLOW,
        spans: tuple[Span, ...] = (),
        category: str | None = None,
        delay_s: float = 0.0,
        calls: list[str] | None = None,
    ) -> None:
        self.name = name
        self.action = action
        self.spans = spans
        self.category = category or f"cat:{name}"
        self.delay_s = delay_s
        self.calls = calls if calls is not None else []
        self.seen: list[str] = []

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        self.calls.append(self.name)
        self.seen.append(text)
        if self.delay_s:
            time.sleep(self.delay_s)
        score = 0.0 if self.action is Action.ALLOW else 0.9
        return ScanResult(self.name, self.category, score, self.action, self.spans)


def test_scanners_run_in_configured_order_on_the_original_text() -> None:
    calls: list[str] = []
    scanners = [
        StubScanner("third", Action.REDACT, (Span(0, 2, "X"),), calls=calls),
        StubScanner("first", Action.ALLOW, calls=calls),
        StubScanner("second", Action.BLOCK, calls=calls),
    ]

    verdict = ScannerChain("input", list(scanners)).run("hello")

    assert calls == ["third", "first", "second"]
    assert all(s.seen == ["hello"] for s in scanners)
    assert [f["scanner"] for f in verdict.findings] == ["third", "second"]


def test_findings_describe_each_firing_scanner() -> None:
    spans = (Span(0, 1, "A"), Span(2, 3, "A"))
    chain = ScannerChain("output", [StubScanner("pii", Action.REDACT, spans, category="pii:x")])

    (finding,) = chain.run("a b c").findings

    assert finding["scanner"] == "pii"
    assert finding["stage"] == "output"
    assert finding["category"] == "pii:x"
    assert finding["score"] == 0.9
    assert finding["action"] == "redact"
    assert finding["span_count"] == 2
    assert finding["latency_ms"] >= 0.0


def test_each_scanner_is_timed_separately() -> None:
    chain = ScannerChain(
        "input",
        [
            StubScanner("slow", Action.REDACT, (Span(0, 1, "X"),), delay_s=0.03),
            StubScanner("fast", Action.REDACT, (Span(1, 2, "X"),)),
        ],
    )

    slow, fast = chain.run("ab").findings

    assert slow["latency_ms"] >= 30.0
    assert 0.0 <= fast["latency_ms"] < slow["latency_ms"]


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ([], Action.ALLOW),
        ([Action.ALLOW, Action.ALLOW], Action.ALLOW),
        ([Action.ALLOW, Action.REDACT], Action.REDACT),
        ([Action.REDACT, Action.ALLOW], Action.REDACT),
        ([Action.REDACT, Action.BLOCK, Action.REDACT], Action.BLOCK),
        ([Action.BLOCK, Action.REDACT], Action.BLOCK),
        ([Action.BLOCK, Action.ALLOW, Action.BLOCK], Action.BLOCK),
    ],
)
def test_most_severe_action_wins(actions: list[Action], expected: Action) -> None:
    scanners = [StubScanner(f"s{i}", a, (Span(0, 1, "X"),)) for i, a in enumerate(actions)]

    assert ScannerChain("input", list(scanners)).run("text").action is expected


@pytest.mark.parametrize(
    ("verdicts", "reason"),
    [
        ([(Action.REDACT, "pii:email")], None),
        ([(Action.BLOCK, "jailbreak")], "jailbreak"),
        (
            [(Action.REDACT, "pii:email"), (Action.BLOCK, "jailbreak"), (Action.BLOCK, "toxicity")],
            "jailbreak",
        ),
        ([(Action.BLOCK, "toxicity"), (Action.BLOCK, "jailbreak")], "toxicity"),
        ([(Action.ALLOW, "quiet"), (Action.BLOCK, "secrets")], "secrets"),
    ],
)
def test_reason_code_comes_from_the_first_block(
    verdicts: list[tuple[Action, str]], reason: str | None
) -> None:
    scanners = [StubScanner(f"s{i}", a, category=c) for i, (a, c) in enumerate(verdicts)]

    assert ScannerChain("output", list(scanners)).run("text").reason_code == reason


def test_redact_spans_of_every_scanner_are_applied() -> None:
    text = "mail a@x.io or call 555-0100"
    chain = ScannerChain(
        "output",
        [EmailScanner(), StubScanner("phone", Action.REDACT, (Span(20, 28, "PHONE"),))],
    )

    verdict = chain.run(text)

    assert verdict.text == "mail [EMAIL] or call [PHONE]"
    assert verdict.action is Action.REDACT


def test_spans_of_a_blocking_scanner_are_not_redacted() -> None:
    chain = ScannerChain(
        "output",
        [
            StubScanner("pii", Action.REDACT, (Span(0, 4, "PII"),)),
            StubScanner("block", Action.BLOCK, (Span(5, 9, "BAD"),)),
        ],
    )

    verdict = chain.run("abcd efgh ijkl")

    assert verdict.text == "[PII] efgh ijkl"
    assert verdict.action is Action.BLOCK


def test_allowed_text_is_returned_unchanged() -> None:
    text = "Nothing to see here — niente da vedere."

    verdict = ScannerChain("input", [EmailScanner(), StubScanner("quiet")]).run(text)

    assert verdict.text == text
    assert verdict.findings == ()
    assert verdict.reason_code is None
    assert verdict.action is Action.ALLOW


class FailingScanner:
    name = "broken"

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        raise RuntimeError("bug")


@pytest.mark.parametrize(
    ("on_error", "action", "findings"),
    [(OnError.FAIL_CLOSED, Action.BLOCK, [("broken", "scanner_error", "block")]),
     (OnError.FAIL_OPEN, Action.ALLOW, [("broken", "scanner_error", "allow")])],
)  # fmt: skip
def test_a_failing_scanner_follows_the_error_policy(
    on_error: OnError, action: Action, findings: list[tuple[str, str, str]]
) -> None:
    verdict = ScannerChain("input", [FailingScanner(), StubScanner("after")], on_error=on_error).run("x")

    assert verdict.action is action
    assert [(f["scanner"], f["category"], f["action"]) for f in verdict.findings] == findings


@pytest.mark.parametrize(
    ("on_error", "action"), [(OnError.FAIL_CLOSED, Action.BLOCK), (OnError.FAIL_OPEN, Action.ALLOW)]
)
def test_a_scanner_over_its_timeout_is_a_failure(on_error: OnError, action: Action) -> None:
    slow = StubScanner("slow", Action.REDACT, (Span(0, 1, "X"),), delay_s=0.02)

    verdict = ScannerChain("input", [slow], timeout_s=0.001, on_error=on_error).run("ab")

    assert verdict.action is action
    assert verdict.findings[0]["category"] == "scanner_timeout"
    assert verdict.text == "ab"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_scanners_see_normalised_text_and_redaction_hits_the_original() -> None:
    text = f"write to {_fullwidth('ann')}\u200b@{_fullwidth('example.com')} now"

    verdict = ScannerChain("input", [EmailScanner()]).run(text)

    assert verdict.text == "write to [EMAIL] now"
