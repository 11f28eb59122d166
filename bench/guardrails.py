"""Guardrails benchmark: the whole chain per text, PII F1, and messages/s through the service.

``python -m bench guardrails [--quick] [--no-service] [--no-presidio] [--batch-only] [--two-workers]
[--profile] [--live] [--messages N]``

Side by side in the same run, on the same texts: Microsoft Presidio's analyzer with its
predefined pattern recognizers over a *blank* spaCy pipeline (no spaCy model can be
downloaded here, so Presidio finds no PERSON names). Presidio is installed only in its own
venv under ``.bench/presidio`` (``uv venv`` + ``uv pip install``), never in the lock file.

Texts: every case of the labelled set (``services/guardrails/eval``), padded with ordinary
support prose in the case's language to 200, 1,000 and 2,000 characters. PII F1 is scored on the
raw cases, per PII type (email, phone, card, iban, ssn, ip, name), micro-averaged.
Times are CPU time (``process_time``) per text on one core; the machine is shared, so
compare the two columns of one run rather than runs with each other.

The service figure (:mod:`bench._guardrails_service`) is the drain rate of a backlog of
10,000 completions (2,000 with ``--quick``) produced before fresh workers start, counted
by the responses topic's end offsets, with the CPU per message of the workers and of
noida-db; ``--live`` measures the older way (a client producing and consuming at once).
"""

# ruff: noqa: E501  (filler sentences are kept whole)

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from guardrails.evaluation import expected_categories, pii_type, read_dataset
from guardrails.policy import load_policy
from guardrails.scanner import ScanContext

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "services" / "guardrails" / "eval"
PRESIDIO_VENV = ROOT / ".bench" / "presidio"
PRESIDIO_PINS = ("presidio-analyzer==2.2.366", "spacy==3.8.18")
PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card", "IBAN_CODE": "iban",
    "US_SSN": "ssn", "IP_ADDRESS": "ip", "PERSON": "name",
}  # fmt: skip
FILLER = {  # ordinary support prose, one sentence per language
    "en": "Thanks for getting back to me so quickly. The team reviewed the ticket this morning and will follow up.",
    "it": "Grazie per la risposta rapida. Il team ha esaminato la richiesta stamattina e vi aggiornerà presto.",
    "es": "Gracias por responder tan rápido. El equipo revisó la solicitud esta mañana y les informará pronto.",
    "pt": "Obrigado pela resposta rápida. A equipa analisou o pedido esta manhã e dará notícias em breve.",
    "de": "Danke für die schnelle Antwort. Das Team hat die Anfrage heute früh geprüft und meldet sich bald.",
    "fr": "Merci pour la réponse rapide. L'équipe a examiné la demande ce matin et reviendra vers vous bientôt.",
}


def padded(case: dict[str, Any], length: int) -> str:
    """The case's text followed by prose in its language, cut to ``length`` characters."""
    text = str(case["text"])
    while len(text) < length:
        text += " " + FILLER[case["lang"]]
    return text[:length]


def pii_f1(expected: list[set[str]], predicted: list[set[str]]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over (case, PII type) pairs."""
    tp = sum(len(e & p) for e, p in zip(expected, predicted, strict=True))
    fp = sum(len(p - e) for e, p in zip(expected, predicted, strict=True))
    fn = sum(len(e - p) for e, p in zip(expected, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def ours(cases: list[dict[str, Any]], texts: dict[str, list[str]], repeat: int) -> dict[str, Any]:
    """Our chains: PII types found per raw case, and CPU microseconds per text per text set."""
    rules = load_policy().default
    chains = {"input": rules.input_chain, "output": rules.output_chain}
    found = []
    for case in cases:
        verdict = chains["input"].run(case["text"], ScanContext(stage="input"))
        found.append({pii_type(c) for c in verdict.categories if c.startswith("pii:")})
    timings = {}
    for name, batch in texts.items():
        for stage, chain in chains.items():
            context = ScanContext(stage=stage)
            for text in batch[:20]:
                chain.run(text, context)
            started = time.process_time()
            for _ in range(repeat):
                for text in batch:
                    chain.run(text, context)
            timings[f"{name}/{stage}"] = (time.process_time() - started) / (repeat * len(batch)) * 1e6
    return {"found": found, "us_per_text": timings}


def presidio(cases: list[dict[str, Any]], texts: dict[str, list[str]], repeat: int) -> dict[str, Any]:
    """Presidio in its own venv (created on first use): same cases, same texts."""
    python = PRESIDIO_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["uv", "venv", "-q", "--python", "3.11", str(PRESIDIO_VENV)], check=True)
        subprocess.run(["uv", "pip", "install", "-q", "--python", str(python), *PRESIDIO_PINS], check=True)
    job = json.dumps({"cases": [c["text"] for c in cases], "texts": texts, "repeat": repeat})
    worker = Path(__file__).with_name("_presidio_worker.py")
    done = subprocess.run([str(python), str(worker)], input=job, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    result["found"] = [{PRESIDIO_TYPES[t] for t in types if t in PRESIDIO_TYPES} for types in result["found"]]
    return result


def service_phase(cases: list[dict[str, Any]], argv: list[str]) -> None:
    """Messages per second through the service (see :mod:`bench._guardrails_service`), per mode."""
    from bench._guardrails_service import service_rate

    count = int(_option(argv, "--messages", "2000" if "--quick" in argv else "10000"))
    profile = ROOT / ".bench" / "guardrails" / "service.collapsed" if "--profile" in argv else None
    workers = 2 if "--two-workers" in argv else 1
    live = "--live" in argv
    modes = {"per-event": {"GUARDRAILS_BATCH_MAX_EVENTS": "0"}, "batch": {}}
    if "--batch-only" in argv:
        del modes["per-event"]
    how = "live: produced and consumed while it runs" if live else "drain of a backlog produced first"
    for mode, env in modes.items():
        run = service_rate(cases, count, env, workers, profile if mode == "batch" else None, live)
        client = f", bench client {run.client_us:.0f}" if live else ""
        print(
            f"service ({mode:>9}, {workers} worker{'s' * (workers > 1)}, {how}): {run.count} responses"
            f" at {run.msg_s:.0f} msg/s; CPU µs per message: guardrails {run.worker_us:.0f}"
            f" (= {1e6 / run.worker_us:.0f} msg/s per core), noida-db {run.noida_us:.0f}{client};"
            f" load average {run.load_average:.1f}"
        )
    if profile is not None and profile.exists():
        from bench._profile import summarise

        print(f"py-spy profile of the batch-mode worker ({profile}):")
        print(summarise(profile))


def _option(argv: list[str], name: str, default: str) -> str:
    """The value after ``name`` in ``argv`` (``--messages 20000``), else ``default``."""
    return argv[argv.index(name) + 1] if name in argv[:-1] else default


def main(argv: list[str]) -> int:
    """Print the side-by-side table; exit 0 (figures, not pass/fail)."""
    repeat = 1 if "--quick" in argv else 3
    cases = [*read_dataset(EVAL / "dev.jsonl"), *read_dataset(EVAL / "heldout.jsonl")]
    texts = {f"{n}ch": [padded(c, n) for c in cases] for n in (200, 1000, 2000)}
    expected = [
        {pii_type(c.removeprefix("pii:")) for c in expected_categories(c["labels"]) if c.startswith("pii:")}
        for c in cases
    ]
    mine = ours(cases, texts, repeat)
    peer = None if "--no-presidio" in argv else presidio(cases, texts, repeat)
    print(
        f"guardrails bench: {len(cases)} cases, texts padded to 200, 1000 and 2000 characters, CPU µs per text"
    )
    print(f"{'what':<34} {'llmops guardrails':>18} {'presidio (blank spaCy)':>24}")
    for name in texts:
        for stage in ("input", "output"):
            peer_us = f"{peer['us_per_text'][name]:.0f}" if peer and stage == "input" else "-"
            print(
                f"{'µs/text ' + name + ' ' + stage + ' chain':<34} {mine['us_per_text'][f'{name}/{stage}']:>18.0f} {peer_us:>24}"
            )
    for stage in ("input", "output"):  # the target: a whole chain on a 1 KB text
        peer_kb = f"{peer['us_per_text']['1000ch']:.0f}" if peer and stage == "input" else "-"
        print(
            f"{'µs per 1 KB text, ' + stage + ' chain':<34} {mine['us_per_text'][f'1000ch/{stage}']:>18.0f} {peer_kb:>24}"
        )
    for label, result in (("llmops guardrails", mine), ("presidio", peer)):
        if result is not None:
            p, r, f = pii_f1(expected, result["found"])
            print(f"PII on raw cases, {label:<18} precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
    if "--no-service" not in argv:
        service_phase(cases, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
