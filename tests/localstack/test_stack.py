"""``llmops up`` / ``down`` / ``status`` on real processes (Redis alone keeps these fast)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmops.cli.main import app
from llmops.errors import ConfigurationError, DependencyUnavailable
from llmops.localstack import processes
from llmops.localstack.components import StackConfig
from llmops.localstack.ports import StackPorts
from llmops.localstack.stack import LocalStack

pytestmark = pytest.mark.integration


def _stack(tmp_path: Path) -> LocalStack:
    return LocalStack(StackConfig(run_dir=tmp_path / "run", ports=StackPorts.free()))


def test_up_status_down_owns_exactly_its_processes(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    started = stack.up(only={"redis"})
    try:
        assert [s.name for s in started] == ["redis"]
        status = stack.status()
        assert [(s.name, s.state, s.pid) for s in status] == [("redis", "running", started[0].pid)]
        with pytest.raises(ConfigurationError, match="already running"):
            stack.up(only={"redis"})
    finally:
        assert stack.down() == ["redis"]
    assert not processes.is_running(started[0].pid, started[0].start_time)
    assert stack.status() == []
    assert stack.down() == []


def test_missing_binary_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        ConfigurationError, match="redis-server not found: install it with apt-get install redis-server"
    ):
        _stack(tmp_path).up(only={"redis"})


def test_failed_start_names_the_part_and_leaves_nothing_running(tmp_path: Path) -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    ports = StackPorts.free()
    stack = LocalStack(
        StackConfig(run_dir=tmp_path / "run", ports=StackPorts(**{**ports.__dict__, "redis": port}))
    )
    try:
        with pytest.raises(DependencyUnavailable, match=f"redis at redis://127.0.0.1:{port}"):
            stack.up(only={"redis"})
    finally:
        blocker.close()
    assert stack.state.read() == []


def test_stop_never_kills_a_recycled_pid(tmp_path: Path) -> None:
    pid = processes.spawn([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path / "sleep.log")
    start_time = processes.start_time_of(pid)
    assert start_time is not None
    assert processes.stop(pid, start_time + 1) is False
    assert processes.is_running(pid, start_time)
    assert processes.stop(pid, start_time) is True
    assert not processes.is_running(pid, start_time)


def test_cli_status_without_a_stack_exits_non_zero(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["status", "--run-dir", str(tmp_path / "none")])
    assert result.exit_code == 3
    assert "not running" in result.output


def test_cli_token_mints_a_verifiable_token() -> None:
    import jwt

    result = CliRunner().invoke(app, ["token", "--tenant", "acme", "--scope", "chat", "--scope", "admin"])
    assert result.exit_code == 0
    claims = jwt.decode(result.output.strip(), options={"verify_signature": False})
    assert claims["tenant"] == "acme"
    assert claims["scope"] == "chat admin"


def test_foreground_up_stops_everything_on_ctrl_c(tmp_path: Path) -> None:
    """``llmops up --foreground`` then SIGINT leaves no process behind."""
    import os
    import signal
    import subprocess
    import time

    from llmops.localstack.state import StackState

    run_dir = tmp_path / "fg"
    ports = StackPorts.free()
    env = {**os.environ, **ports.as_env()}
    cli = subprocess.Popen(
        [sys.executable, "-m", "llmops.cli.main", "up", "--foreground", "--run-dir", str(run_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        recorded = []
        while time.monotonic() < deadline:
            recorded = StackState(run_dir).read()
            if len(recorded) == 10 and all(processes.is_running(p.pid, p.start_time) for p in recorded):
                break
            assert cli.poll() is None, cli.stdout.read() if cli.stdout else ""
            time.sleep(0.2)
        assert len(recorded) == 10
        assert cli.stdout is not None
        while "press Ctrl-C" not in cli.stdout.readline():
            pass
        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=60) == 0
    finally:
        if cli.poll() is None:
            cli.kill()
    assert not [p.name for p in recorded if processes.is_running(p.pid, p.start_time)]


def test_reset_data_refuses_while_running_and_clears_after(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    stack.up(only={"redis"})
    try:
        with pytest.raises(ConfigurationError, match="cannot reset data while redis run"):
            stack.reset_data()
    finally:
        stack.down()
    assert (tmp_path / "run" / "redis-data").exists()
    stack.reset_data()
    assert not (tmp_path / "run" / "redis-data").exists()
    assert (tmp_path / "run" / "logs").exists()
