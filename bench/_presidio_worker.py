"""Presidio side of ``bench/guardrails.py``: runs inside ``.bench/presidio`` (never the project venv).

Reads ``{"texts": {...}, "cases": [...], "repeat": N}`` as JSON on stdin; writes per-case entity
types and microseconds per text for each text set as JSON on stdout. Presidio runs its
predefined pattern recognizers over a *blank* spaCy English pipeline (no model can be
downloaded here), so PERSON and other NER entities are never found.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def analyzer() -> Any:
    """Presidio's analyzer: predefined recognizers, blank spaCy English pipeline."""
    import spacy  # type: ignore[import-not-found]  # only in the bench venv
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # type: ignore[import-not-found]
    from presidio_analyzer.nlp_engine import SpacyNlpEngine  # type: ignore[import-not-found]

    class BlankSpacyEngine(SpacyNlpEngine):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])
            self.nlp = {"en": spacy.blank("en")}

        def load(self) -> None:
            return None

    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    return AnalyzerEngine(nlp_engine=BlankSpacyEngine(), registry=registry, supported_languages=["en"])


def main() -> None:
    """Run the job read from standard input."""
    job = json.load(sys.stdin)
    engine = analyzer()
    engine.analyze("warm up ann@example.com 4111 1111 1111 1111", language="en")
    found = [sorted({r.entity_type for r in engine.analyze(text, language="en")}) for text in job["cases"]]
    timings = {}
    for name, texts in job["texts"].items():
        started = time.process_time()
        for _ in range(job["repeat"]):
            for text in texts:
                engine.analyze(text, language="en")
        timings[name] = (time.process_time() - started) / (job["repeat"] * len(texts)) * 1e6
    json.dump({"found": found, "us_per_text": timings}, sys.stdout)


if __name__ == "__main__":
    main()
