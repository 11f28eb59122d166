"""The run directory's record of what ``up`` started: name, PID, command line, URL, log."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import orjson


@dataclass(frozen=True)
class Started:
    """One process started by ``llmops up``."""

    name: str
    pid: int
    start_time: int
    argv: list[str]
    url: str
    log: str


class StackState:
    """``<run_dir>/stack.json``, rewritten after every start so a failed ``up`` can be undone."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / "stack.json"

    def read(self) -> list[Started]:
        """Return the recorded processes (empty when nothing was started)."""
        if not self.path.exists():
            return []
        return [Started(**item) for item in orjson.loads(self.path.read_bytes())["processes"]]

    def write(self, processes: list[Started]) -> None:
        """Record ``processes`` atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(
            orjson.dumps({"processes": [asdict(p) for p in processes]}, option=orjson.OPT_INDENT_2)
        )
        tmp.replace(self.path)

    def clear(self) -> None:
        """Forget every process (after ``down``)."""
        self.path.unlink(missing_ok=True)
