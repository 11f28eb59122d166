"""Topic creation: explicit, with the partition counts of the topic map.

Brokers that auto-create topics on first produce give them one partition, which
silently caps parallelism and breaks faust's co-partitioning checks, so every topic
is created up front and an existing topic with too few partitions is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from llmops.errors import ConfigurationError, DependencyUnavailable
from llmops.topics import TopicSpec

log = logging.getLogger(__name__)


async def ensure_topics(bootstrap: str, specs: Iterable[TopicSpec], replication_factor: int = 1) -> list[str]:
    """Create the missing topics of ``specs``; return the names created.

    Raises:
        DependencyUnavailable: When the brokers cannot be reached.
        ConfigurationError: When an existing topic has fewer partitions than required.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="llmops-admin")
    try:
        await admin.start()
    except KafkaError as exc:
        raise DependencyUnavailable("kafka", bootstrap, str(exc)) from exc
    try:
        existing = await _partition_counts(admin)
        wanted = list(specs)
        for spec in wanted:
            have = existing.get(spec.name)
            if have is not None and have < spec.partitions:
                raise ConfigurationError(
                    f"topic {spec.name} has {have} partitions, the platform needs {spec.partitions}"
                )
        missing = [s for s in wanted if s.name not in existing]
        if missing:
            await admin.create_topics(
                [NewTopic(s.name, s.partitions, replication_factor) for s in missing], timeout_ms=10_000
            )
            log.info("created topics", extra={"topics": [s.name for s in missing]})
        return [s.name for s in missing]
    finally:
        await admin.close()


async def _partition_counts(admin: AIOKafkaAdminClient) -> dict[str, int]:
    metadata = await admin.describe_topics()
    return {t["topic"]: len(t["partitions"]) for t in metadata if not t.get("error_code")}
