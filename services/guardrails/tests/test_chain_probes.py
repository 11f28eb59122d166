"""The default chains on probes written apart from the labelled set (other phrasings, look-alikes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrails.policy import load_policy
from guardrails.scanner import ScanContext

PROBES = [
    tuple(line.split(" | ", 2))
    for line in (Path(__file__).with_name("chain_probes.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
RULES = load_policy().default


@pytest.mark.parametrize(("stage", "expected", "text"), PROBES)
def test_probe(stage: str, expected: str, text: str) -> None:
    chain = RULES.input_chain if stage == "i" else RULES.output_chain
    verdict = chain.run(text, ScanContext(stage="input" if stage == "i" else "output"))

    categories = {c for c in verdict.categories if c != "refusal"}
    assert categories == ({c for c in expected.split(",")} if expected != "-" else set())
