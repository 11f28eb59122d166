"""The audit pipeline's wiring: one agent over the three co-partitioned topics, a join table."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from audit import pipeline
from audit.settings import AuditSettings
from llmops import topics
from llmops.localstack.ports import free_port
from llmops.settings import Environment
from llmops.streaming_service import StreamingService


@pytest.fixture(scope="module")
def service() -> StreamingService:
    settings = AuditSettings(
        kafka_bootstrap="127.0.0.1:1",
        http_port=free_port(),
        environment=Environment.LOCAL,
        elasticsearch_url="http://es-0:9200",
        index="audit-test",
    )
    return pipeline.build(settings, registry=CollectorRegistry())


def test_one_agent_reads_requests_completions_and_responses(service: StreamingService) -> None:
    agents = service.app.agents

    assert list(agents) == ["audit_join_agent"]
    assert set(agents["audit_join_agent"].channel.topics) == {
        topics.REQUESTS.name,
        topics.COMPLETIONS.name,
        topics.RESPONSES.name,
    }
    assert {spec.name for spec in topics.consumed_by("audit")} == set(
        agents["audit_join_agent"].channel.topics
    )


def test_join_table_is_co_partitioned_with_its_sources(service: StreamingService) -> None:
    table = service.app.tables[pipeline.JOIN_TABLE]

    assert table.changelog_topic.get_topic_name() == "llmops-audit-joins-changelog"
    assert table.partitions == topics.REQUESTS.partitions == topics.COMPLETIONS.partitions
    assert topics.RESPONSES.partitions == table.partitions


def test_faust_may_create_the_changelog_and_readiness_checks_elasticsearch(service: StreamingService) -> None:
    assert service.app.conf.topic_allow_declare is True
    assert set(service.readiness.checks) == {"kafka", "elasticsearch"}
