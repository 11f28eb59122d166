"""A StreamingService whose only agent holds every event until ``POST /open-gate``.

Run as a subprocess by ``test_consumer_lag.py``: ``python lag_probe_service.py NAME TOPIC
PARTITIONS BOOTSTRAP HTTP_PORT``. While the gate is closed nothing is acknowledged, so
the group commits nothing and the consumer lag must equal the events produced.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from llmops.faust_app import declare_topic
from llmops.settings import Environment, ServiceSettings
from llmops.streaming_service import StreamingService
from llmops.topics import TopicSpec


def main(argv: list[str]) -> None:
    name, topic, partitions, bootstrap, port = argv
    settings = ServiceSettings(
        kafka_bootstrap=bootstrap,
        http_port=int(port),
        environment=Environment.LOCAL,
        consumer_lag_interval_s=0.2,
    )
    service = StreamingService(name, settings)
    spec = TopicSpec(topic, "request", dict, "any", int(partitions), ("test",), (name,))

    gate = asyncio.Event()

    async def held(stream: Any) -> None:
        async for _event in stream.events():
            await gate.wait()

    @service.app.page("/open-gate")
    async def open_gate(web: Any, request: Any) -> Any:
        gate.set()
        return web.json({"open": True})

    service.app.agent(declare_topic(service.app, spec), name=f"{name}_held")(held)
    service.run()


if __name__ == "__main__":
    main(sys.argv[1:])
