"""Fixtures of the audit integration tests: one noida-db, fresh aliases, audit workers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from audit.testing import AuditProcess, Noida
from llmops import topics
from llmops.kafka_admin import ensure_topics


@pytest.fixture(scope="session")
def noida(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Noida]:
    """One noida-db (Kafka + Elasticsearch) for the audit integration tests, with the topics created."""
    server = Noida(tmp_path_factory.mktemp("noida") / "data")
    server.start()
    try:
        asyncio.run(ensure_topics(server.bootstrap, topics.ALL_TOPICS))
        yield server
    finally:
        server.stop()


@pytest.fixture
def audit_index() -> str:
    """A fresh audit alias per test, so tests never see each other's records."""
    return f"audit-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def start_audit(noida: Noida, audit_index: str, tmp_path: Path) -> Iterator[Callable[..., AuditProcess]]:
    """Start audit workers (``start_audit(**env)``); every one is stopped after the test."""
    started: list[AuditProcess] = []

    def start(**env: str) -> AuditProcess:
        # One static member id for every worker: each test runs one worker at a time, and a
        # restarted static member takes its partitions back at once. (noida-db never expires
        # a dead or departed member whose rebalance is pending, so dynamic members would hang
        # the next join.)
        env = {"group_instance_id": "audit-test-0", **env}
        worker = AuditProcess(noida, audit_index, env={f"AUDIT_{k.upper()}": v for k, v in env.items()})
        started.append(worker)
        worker.start(tmp_path / f"audit-{len(started)}.log")
        return worker

    yield start
    for worker in started:
        worker.stop()
