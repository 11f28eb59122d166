"""Evidently's data-drift report on windows written by ``bench/drift.py`` (runs in the bench's own venv).

Reads a JSON file ``{"numerical": [...], "categorical": [...], "reference": {col: values},
"windows": [{col: values}, ...], "threshold": float | null}``, runs one
``Report([DataDriftPreset()])`` per window against the reference, and prints JSON
``{"seconds": [...], "cpu_seconds": [...], "decisions": [{column: bool}, ...], "methods": {column: method}}``.
Only the report run is timed (DataFrames are built beforehand).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
from evidently import DataDefinition, Dataset, Report  # type: ignore[import-not-found]
from evidently.presets import DataDriftPreset  # type: ignore[import-not-found]


def main(path: str) -> None:
    spec = json.loads(Path(path).read_text())
    definition = DataDefinition(numerical_columns=spec["numerical"], categorical_columns=spec["categorical"])
    reference = Dataset.from_pandas(pd.DataFrame(spec["reference"]), data_definition=definition)
    threshold = spec.get("threshold")
    preset = DataDriftPreset(threshold=threshold) if threshold else DataDriftPreset()
    seconds, cpu_seconds, decisions, methods = [], [], [], {}
    for window in spec["windows"]:
        current = Dataset.from_pandas(pd.DataFrame(window), data_definition=definition)
        started, cpu_started = time.perf_counter(), time.process_time()
        snapshot = Report([preset]).run(current, reference)
        result = snapshot.dict()
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        decision = {}
        for metric in result["metrics"]:
            config = metric["config"]
            if config.get("type", "").endswith("ValueDrift"):
                method, value, limit = config["method"], float(metric["value"]), float(config["threshold"])
                decision[config["column"]] = value < limit if "p_value" in method else value >= limit
                methods[config["column"]] = method
        decisions.append(decision)
    print(
        json.dumps(
            {"seconds": seconds, "cpu_seconds": cpu_seconds, "decisions": decisions, "methods": methods}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
