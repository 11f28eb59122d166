"""Write the provisioned Grafana dashboards (``dashboards/*.json``); run after changing them.

``python infra/grafana/generate.py`` rewrites the files; ``--check`` only compares and
exits 1 when a committed file differs from what the definitions produce (the tests
run it). Grafana loads the files through ``provisioning/dashboards/llmops.yml``; they
also import as they are (Dashboards > New > Import).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import cost
import drift_detection
import gateway_board
import guardrail_actions
import inference_board
import overview
import streams
from model import Json

OUT = Path(__file__).resolve().parent / "dashboards"
BUILDERS: dict[str, Callable[[], Json]] = {
    "overview": overview.build,
    "gateway": gateway_board.gateway,
    "inference": inference_board.inference,
    "guardrails": streams.guardrails,
    "drift": streams.drift,
    "audit": streams.audit,
    "guardrail-actions": guardrail_actions.guardrails_policy,
    "drift-detection": drift_detection.drift_detection,
    "cost": cost.cost,
}


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {f"{name}.json": json.dumps(build(), indent=2) + "\n" for name, build in BUILDERS.items()}


def main(argv: list[str]) -> int:
    """Write (or with ``--check`` compare) the dashboards; return the exit code."""
    rendered = render()
    if "--check" in argv:
        stale = sorted(
            n for n, text in rendered.items() if not (OUT / n).is_file() or (OUT / n).read_text() != text
        )
        extra = sorted(p.name for p in OUT.glob("*.json") if p.name not in rendered)
        for name in stale + extra:
            print(f"out of date: {OUT / name} (run python {Path(__file__).name})", file=sys.stderr)
        return 1 if stale or extra else 0
    OUT.mkdir(exist_ok=True)
    for name, text in rendered.items():
        (OUT / name).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
