"""faust-streaming app factory: one place that sets the platform's delivery semantics.

Every streaming service gets an app whose topics carry raw bytes (the Avro codec runs
inside the pipeline, so undecodable events can be dead-lettered with their bytes),
whose producer waits for all in-sync replicas, and whose consumer never acknowledges
an event whose processing failed: retriable failures are retried in place and fatal
ones stop the worker, so the event is read again after the restart. Its consumer
delivers fetched messages without faust's per-message task race when nothing has to
wait (:mod:`llmops.faust_consumer`; ``faust_direct_delivery=false`` turns it off).
"""

from __future__ import annotations

from typing import Any

import faust

from llmops import faust_consumer
from llmops.codec import AvroCodec
from llmops.faust_codecs import register_faust_codecs
from llmops.jsonlog import logging_dict_config
from llmops.settings import ServiceSettings
from llmops.topics import TopicSpec


def create_faust_app(
    service: str,
    settings: ServiceSettings,
    codec: AvroCodec | None = None,
    **overrides: Any,
) -> faust.App:
    """Create the faust app of ``service`` with the platform's settings.

    Args:
        service: Service name; the consumer group is ``llmops-<service>``.
        settings: The service's settings (brokers, HTTP bind address and port).
        codec: When given, its schemas are registered as faust codecs
            (``llmops-<schema>``) for topics declared with decoded values.
        **overrides: faust settings to change, e.g. ``producer_max_batch_size=1`` on Tansu.
    """
    options: dict[str, Any] = {
        "broker": [f"kafka://{server}" for server in settings.bootstrap_servers],
        "key_serializer": "raw",
        "value_serializer": "raw",
        "producer_acks": -1,
        "producer_linger": 0.0,
        "consumer_auto_offset_reset": "earliest",
        "consumer_group_instance_id": settings.group_instance_id,
        "broker_commit_interval": 1.0,
        "stream_ack_exceptions": False,
        "stream_ack_cancelled_tasks": False,
        "topic_allow_declare": False,
        "topic_disable_leader": True,
        "web_enabled": True,
        "web_bind": settings.http_host,
        "web_host": settings.http_host,
        "web_port": settings.http_port,
        "web_stats_enabled": False,
        "web_graph_enabled": False,
        "web_router_enabled": False,
        "web_tables_enabled": False,
        "web_metrics_enabled": False,
        "store": "memory://",
        "datadir": f"/tmp/llmops-faust-{service}-{settings.http_port}",
        "logging_config": logging_dict_config(service, settings.log_level),
    }
    options.update(overrides)
    if codec is not None:
        register_faust_codecs(codec)
    app = faust.App(f"llmops-{service}", **options)
    if settings.faust_direct_delivery:
        faust_consumer.install(app)
    return app


def declare_topic(app: faust.App, spec: TopicSpec) -> faust.TopicT:
    """Declare a platform topic on ``app`` with raw keys and values.

    The topic must already exist (``llmops up`` and deployments create every topic
    with its partitions); declaring does not create it.
    """
    return app.topic(spec.name, key_type=bytes, value_type=bytes, partitions=spec.partitions)
