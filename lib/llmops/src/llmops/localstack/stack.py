"""``llmops up`` / ``down`` / ``status``: run the embedded stack as processes on loopback.

``up`` starts each stage, waits until every part of it is ready, creates the Kafka
topics with their partitions, and returns with everything running in the background.
A failure stops whatever this ``up`` started and raises an error naming the part.
``down`` stops exactly the recorded PIDs (checking their command lines), services
first.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from llmops import topics
from llmops.errors import ConfigurationError
from llmops.kafka_admin import ensure_topics
from llmops.localstack import components, processes
from llmops.localstack.components import Component, StackConfig
from llmops.localstack.probes import wait_until
from llmops.localstack.state import StackState, Started

log = logging.getLogger(__name__)

DATA_DIRS = ("redis-data", "noida-data", "prometheus-data")
"""Sub-directories of the run directory holding the servers' data."""


@dataclass(frozen=True)
class PartStatus:
    """One line of ``llmops status``."""

    name: str
    state: str
    pid: int | None
    url: str


class LocalStack:
    """The embedded stack rooted at one run directory.

    Args:
        config: Run directory, ports and options.
    """

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.state = StackState(config.run_dir)

    def up(self, only: set[str] | None = None) -> list[Started]:
        """Start every part (or only the named ones) and wait until each is ready.

        Raises:
            ConfigurationError: When a stack already runs in this run directory, or a
                binary is missing (with how to install it).
            DependencyUnavailable: When a part does not become ready.
        """
        running = [p for p in self.state.read() if processes.is_running(p.pid, p.start_time)]
        if running:
            names = ", ".join(f"{p.name} ({p.pid})" for p in running)
            raise ConfigurationError(
                f"the stack is already running in {self.config.run_dir}: {names}; run `llmops down` first"
            )
        self.config.run_dir.mkdir(parents=True, exist_ok=True)
        for sub in ("logs", *DATA_DIRS):
            (self.config.run_dir / sub).mkdir(exist_ok=True)
        self.write_prometheus_config()
        wanted = [c for c in components.all_components(self.config) if only is None or c.name in only]
        started: list[Started] = []
        try:
            for stage in sorted({c.stage for c in wanted}):
                if stage == 1 and any(c.name == "noida-db" for c in wanted):
                    self.create_topics()
                self._start_stage([c for c in wanted if c.stage == stage], started)
        except BaseException:
            self._stop(started)
            self.state.clear()
            raise
        return started

    def reset_data(self) -> None:
        """Delete the data of a stopped stack (Kafka, Elasticsearch, Redis, Prometheus); keep logs.

        Raises:
            ConfigurationError: When a stack is running in this run directory.
        """
        running = [p.name for p in self.state.read() if processes.is_running(p.pid, p.start_time)]
        if running:
            raise ConfigurationError(f"cannot reset data while {', '.join(running)} run: `llmops down` first")
        for sub in DATA_DIRS:
            shutil.rmtree(self.config.run_dir / sub, ignore_errors=True)

    def create_topics(self) -> None:
        """Create every platform topic with its partition count (idempotent)."""
        asyncio.run(ensure_topics(f"{components.HOST}:{self.config.ports.kafka}", topics.ALL_TOPICS))

    def down(self) -> list[str]:
        """Stop the recorded processes, services first; return the names stopped."""
        recorded = self.state.read()
        stopped = self._stop(recorded)
        self.state.clear()
        return stopped

    def status(self) -> list[PartStatus]:
        """One status per recorded part: running or stopped, PID and URL."""
        return [
            PartStatus(
                p.name, "running" if processes.is_running(p.pid, p.start_time) else "stopped", p.pid, p.url
            )
            for p in self.state.read()
        ]

    def _start_stage(self, stage: list[Component], started: list[Started]) -> None:
        launched: list[tuple[Component, Started]] = []
        for component in stage:
            log_path = self.config.run_dir / "logs" / f"{component.name}.log"
            pid = processes.spawn(component.argv, log_path, env=components.child_env(component.env))
            start_time = processes.start_time_of(pid) or 0
            record = Started(
                component.name, pid, start_time, list(component.argv), component.url, str(log_path)
            )
            started.append(record)
            launched.append((component, record))
            self.state.write(started)
        for component, record in launched:
            wait_until(
                component.name,
                component.url,
                component.probe,
                component.ready_timeout_s,
                alive=lambda r=record: processes.is_running(r.pid, r.start_time),  # type: ignore[misc]
            )
            log.info("ready", extra={"part": component.name, "pid": record.pid, "url": component.url})

    def _stop(self, recorded: list[Started]) -> list[str]:
        stopped = []
        for record in reversed(recorded):
            if processes.stop(record.pid, record.start_time):
                stopped.append(record.name)
        return stopped

    def write_prometheus_config(self) -> Path:
        """Write the run directory's ``prometheus.yml``: scrape every part, load the alert rules.

        The rules are the repository's ``infra/prometheus/rules/*.rules.yml`` (absent when
        the package runs outside a checkout, then Prometheus only scrapes).
        """
        scrape = [
            {"job_name": job, "static_configs": [{"targets": [target]}]}
            for job, target in components.scrape_targets(self.config).items()
        ]
        config: dict[str, object] = {
            "global": {"scrape_interval": "2s", "evaluation_interval": "5s"},
            "scrape_configs": scrape,
        }
        rules = alert_rules_dir()
        if rules is not None:
            config["rule_files"] = [str(rules / "*.rules.yml")]
        path: Path = self.config.run_dir / "prometheus.yml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path


def alert_rules_dir() -> Path | None:
    """The repository's ``infra/prometheus/rules``, found by walking up from this file."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "infra" / "prometheus" / "rules"
        if any(candidate.glob("*.rules.yml")):
            return candidate
    return None
