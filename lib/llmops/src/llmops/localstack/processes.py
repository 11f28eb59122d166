"""Start and stop background processes by PID, safely.

A process started here runs in its own session (so Ctrl-C on the terminal does not
reach it and the whole process group can be signalled), writes to a log file, and is
recorded with its kernel start time; stopping checks that the PID still belongs to a
process started at that time, so a recycled PID is never killed. (The command line is
no identity: servers such as redis-server rewrite their process title.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def spawn(
    argv: Sequence[str], log_path: Path, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> int:
    """Start ``argv`` detached, appending stdout and stderr to ``log_path``; return its PID."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            list(argv),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    return process.pid


def start_time_of(pid: int) -> int | None:
    """Return the kernel start time (clock ticks since boot) of a live process, else None.

    Zombies count as gone (and are reaped when they are our children).
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    if fields[0] == "Z":
        _reap(pid)
        return None
    return int(fields[19])


def is_running(pid: int, start_time: int) -> bool:
    """True when ``pid`` is alive and is the process that started at ``start_time``."""
    return start_time_of(pid) == start_time


def stop(pid: int, start_time: int, grace_s: float = 10.0) -> bool:
    """Stop a process started by :func:`spawn`: SIGTERM its group, then SIGKILL after ``grace_s``.

    Returns:
        True when a process was stopped, False when it was no longer running.
    """
    if not is_running(pid, start_time):
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if start_time_of(pid) is None:
            return True
        time.sleep(0.05)
    _signal_group(pid, signal.SIGKILL)
    while start_time_of(pid) is not None and time.monotonic() < deadline + 5:
        time.sleep(0.05)
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
