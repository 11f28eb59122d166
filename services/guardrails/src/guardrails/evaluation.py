"""Score a policy's chains on a labelled dataset: precision, recall, F1 per category, action accuracy.

Dataset lines: ``{"id", "stage", "lang", "text", "labels": {"pii": [types], "secret": bool,
"prompt_injection": bool, "toxic": bool, "self_harm": bool}, "expected_action"}``.
PII types are compared after alias folding (``credit_card`` -> ``card``, ``ip_address`` -> ``ip``...).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrails.policy import Policy
from guardrails.scanner import ScanContext

FLAGS = ("secret", "prompt_injection", "toxic", "self_harm")
PII_ALIASES = {
    "credit_card": "card", "creditcard": "card", "cc": "card",
    "ip_address": "ip", "ipv4": "ip", "ipv6": "ip",
    "phone_number": "phone", "telephone": "phone",
    "person": "name", "full_name": "name", "person_name": "name",
    "email_address": "email", "us_ssn": "ssn",
}  # fmt: skip


def pii_type(raw: str) -> str:
    """Canonical PII type name (``pii:card`` from a scanner, ``credit_card`` from a dataset)."""
    name = raw.removeprefix("pii:").lower()
    return PII_ALIASES.get(name, name)


def expected_categories(labels: dict[str, Any]) -> set[str]:
    """The category set of a dataset case, in the ``--output`` vocabulary."""
    found = {f"pii:{pii_type(t)}" for t in labels.get("pii", [])}
    found.update(flag for flag in FLAGS if labels.get(flag))
    return found


def predict(policy: Policy, stage: str, text: str) -> tuple[str, list[str]]:
    """The action and label categories the default rules give ``text`` at ``stage``."""
    rules = policy.default
    chain = rules.input_chain if stage == "input" else rules.output_chain
    verdict = chain.run(text, ScanContext(stage=stage))
    categories = sorted({c if not c.startswith("pii:") else f"pii:{pii_type(c)}" for c in verdict.categories})
    return verdict.action.value, categories


@dataclass
class Score:
    """Confusion counts of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        """Precision, recall and F1 (1.0 when nothing was expected nor predicted)."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


@dataclass
class Report:
    """Scores of a run over a dataset."""

    cases: int = 0
    actions_right: int = 0
    scores: dict[str, Score] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(
        self, expected: set[str], predicted: set[str], expected_action: str, predicted_action: str
    ) -> None:
        """Count one case; PII types count under their own name and under ``pii``."""
        self.cases += 1
        self.actions_right += expected_action == predicted_action
        self.confusion[(expected_action, predicted_action)] += 1
        labelled = {c for c in predicted if c.startswith("pii:") or c in FLAGS}
        for category in expected | labelled | set(FLAGS):
            for key in {category, "pii"} if category.startswith("pii:") else {category}:
                score = self.scores.setdefault(key, Score())
                hit_e, hit_p = category in expected, category in labelled
                score.tp += hit_e and hit_p
                score.fp += hit_p and not hit_e
                score.fn += hit_e and not hit_p

    @property
    def action_accuracy(self) -> float:
        """Share of cases whose predicted action is the expected one."""
        return self.actions_right / self.cases if self.cases else 0.0


def read_dataset(path: Path) -> Iterator[dict[str, Any]]:
    """Cases of a JSONL file (blank lines skipped)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def evaluate(policy: Policy, cases: Iterable[dict[str, Any]]) -> tuple[Report, list[dict[str, Any]]]:
    """Run every case; return the report and one prediction line per case."""
    report = Report()
    predictions = []
    for case in cases:
        action, categories = predict(policy, case["stage"], case["text"])
        report.add(expected_categories(case["labels"]), set(categories), case["expected_action"], action)
        predictions.append({"id": case["id"], "predicted_action": action, "categories": categories})
    return report, predictions


def format_report(report: Report) -> str:
    """A table: category, support, precision, recall, F1; then action accuracy."""
    lines = [f"{'category':<20} {'support':>7} {'precision':>9} {'recall':>7} {'f1':>6}"]
    for name in sorted(report.scores, key=lambda n: (n != "pii", n)):
        score = report.scores[name]
        p, r, f = score.prf()
        lines.append(f"{name:<20} {score.tp + score.fn:>7} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    lines.append(f"action accuracy: {report.action_accuracy:.3f} over {report.cases} cases")
    return "\n".join(lines)
