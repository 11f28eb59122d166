"""Pytest fixtures (registered by the repository's root ``conftest.py``).

``local_stack`` starts the whole embedded stack once per test session on free ports
(so it never collides with a developer's running stack) and stops it afterwards;
``kafka_client`` gives tests a producer and a codec for talking to its Kafka.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from llmops.codec import AvroCodec
from llmops.localstack.components import HOST, StackConfig
from llmops.localstack.ports import StackPorts
from llmops.localstack.stack import LocalStack
from llmops.schema_store import SchemaStore


@pytest.fixture(scope="session")
def codec() -> AvroCodec:
    """The platform codec over the repository's schemas."""
    return AvroCodec(SchemaStore.load())


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    """The full embedded stack on free ports, started once per session and stopped after."""
    run_dir = Path(os.environ.get("LLMOPS_TEST_RUN_DIR") or tmp_path_factory.mktemp("stack"))
    config = StackConfig(run_dir=run_dir, ports=StackPorts.free())
    stack = LocalStack(config)
    stack.up()
    try:
        yield config
    finally:
        stack.down()


@pytest.fixture(scope="session")
def kafka_bootstrap(local_stack: StackConfig) -> str:
    """Bootstrap address of the stack's Kafka."""
    return f"{HOST}:{local_stack.ports.kafka}"


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    """An acks=all producer to the stack's Kafka."""
    client = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


@pytest.fixture(scope="module")
def noida_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    """noida-db alone (Kafka with the platform's topics), fresh for one test module.

    For tests that run their own workers of a service in its consumer group, where the
    full stack's worker of that service would join the same group.
    """
    with kafka_alone(tmp_path_factory.mktemp("noida")) as config:
        yield config


@contextmanager
def kafka_alone(run_dir: Path) -> Iterator[StackConfig]:
    """Start noida-db alone on free ports under ``run_dir``, create the platform's topics, stop it after."""
    config = StackConfig(run_dir=run_dir, ports=StackPorts.free())
    stack = LocalStack(config)
    stack.up(only={"noida-db"})
    try:
        stack.create_topics()
        yield config
    finally:
        stack.down()
