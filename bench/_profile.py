"""Where the gateway's time goes: py-spy, sampled from outside while a load step runs.

py-spy is installed in the benchmark's own environment (``.bench/gateway``), never in
the project's lock file. Its raw (collapsed) stacks are summarised by the function that
was on CPU ("self" time) and by a few domain frames ("inclusive" time).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

PY_SPY_VERSION = "0.4.3"


def install_py_spy(bench_dir: Path) -> Path | None:
    """Create ``bench_dir``'s venv with py-spy; None when that fails (offline, no uv)."""
    venv = bench_dir / "venv"
    try:
        if not (venv / "bin" / "py-spy").exists():
            subprocess.run(["uv", "venv", "-q", str(venv)], check=True)
            subprocess.run(
                [
                    "uv",
                    "pip",
                    "install",
                    "-q",
                    "--python",
                    str(venv / "bin" / "python"),
                    f"py-spy=={PY_SPY_VERSION}",
                ],
                check=True,
            )
    except (OSError, subprocess.CalledProcessError):
        return None
    return venv / "bin" / "py-spy"


def start_recording(py_spy: Path, pid: int, duration_s: int, output: Path) -> subprocess.Popen[bytes]:
    """Sample ``pid`` for ``duration_s`` seconds into collapsed stacks at ``output``."""
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(duration_s),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(output),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def summarise(collapsed: Path, top: int = 15) -> str:
    """The hottest functions by self time and by inclusive time, as percentages of samples."""
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(f) for f in stack.split(";")]
        total += count
        self_time[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples"
    lines = [f"{total} samples; self time (on CPU):"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in self_time.most_common(top)]
    lines.append("inclusive time (frame anywhere on the stack), gateway and library frames:")
    interesting = [(k, v) for k, v in inclusive.most_common() if _interesting(k)][:top]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in interesting]
    return "\n".join(lines)


def _short(frame: str) -> str:
    """``function (path/to/module.py:12)`` -> ``function (module.py)``."""
    name, _, location = frame.partition(" (")
    module = location.rsplit("/", 1)[-1].split(":")[0].rstrip(")")
    return f"{name} ({module})"


def _interesting(frame: str) -> bool:
    keys = (
        "gateway",
        "dispatch",
        "ledger",
        "auth",
        "codec",
        "producer",
        "reply",
        "middleware",
        "routing",
        "fastapi",
        "starlette",
        "httptools",
        "aiokafka",
        "redis",
        "jwt",
        "pydantic",
        "orjson",
    )
    return any(k in frame for k in keys)
