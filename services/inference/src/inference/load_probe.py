"""How loaded a model server is, read from its own Prometheus metrics.

TGI exports ``tgi_queue_size`` (requests waiting for the batch), ``tgi_batch_current_size``
and ``tgi_batch_current_max_tokens`` (tokens reserved by the running batch), and
``/info`` gives ``max_batch_total_tokens``; vLLM exports ``vllm:num_requests_waiting``,
``vllm:num_requests_running`` and ``vllm:gpu_cache_usage_perc``. The probe reads
whichever the server has, so queue-driven fallback and batch-fullness metrics work on
both. It is refreshed by a timer, never on the request path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

log = logging.getLogger(__name__)

QUEUE_NAMES = ("tgi_queue_size", "vllm:num_requests_waiting")
RUNNING_NAMES = ("tgi_batch_current_size", "vllm:num_requests_running")


@dataclass(frozen=True)
class ServerLoad:
    """One reading of a server's load.

    Attributes:
        queue_size: Requests waiting for a place in the batch.
        batch_size: Requests in the running batch.
        batch_fullness: Share of the batch's token capacity in use, in [0, 1] (``None``
            when the server does not say).
    """

    queue_size: float
    batch_size: float
    batch_fullness: float | None


def parse_load(text: str, max_batch_total_tokens: int | None) -> ServerLoad:
    """Read a :class:`ServerLoad` from a Prometheus text exposition."""
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[sample.name] = values.get(sample.name, 0.0) + sample.value
    fullness: float | None = None
    if "vllm:gpu_cache_usage_perc" in values:
        fullness = values["vllm:gpu_cache_usage_perc"]
    elif "tgi_batch_current_max_tokens" in values and max_batch_total_tokens:
        fullness = values["tgi_batch_current_max_tokens"] / max_batch_total_tokens
    return ServerLoad(
        queue_size=next((values[n] for n in QUEUE_NAMES if n in values), 0.0),
        batch_size=next((values[n] for n in RUNNING_NAMES if n in values), 0.0),
        batch_fullness=None if fullness is None else min(1.0, max(0.0, fullness)),
    )


class LoadProbe:
    """Polls one server's ``/metrics`` (and TGI's ``/info`` once) on demand.

    Args:
        base_url: Server base URL.
        timeout_s: Budget of one poll.
    """

    def __init__(self, base_url: str, timeout_s: float = 2.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.latest: ServerLoad | None = None
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_batch_tokens: int | None = None
        self._failed = False

    async def refresh(self, session: aiohttp.ClientSession) -> ServerLoad | None:
        """Poll the server; on failure keep no reading (stale load must not drive routing)."""
        try:
            if self._max_batch_tokens is None:
                self._max_batch_tokens = await self._info_batch_tokens(session)
            async with session.get(f"{self.base_url}/metrics", timeout=self._timeout) as response:
                response.raise_for_status()
                self.latest = parse_load(await response.text(), self._max_batch_tokens)
            self._failed = False
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            if not self._failed:
                log.warning(
                    "cannot read model server load", extra={"endpoint": self.base_url, "error": str(exc)}
                )
            self._failed = True
            self.latest = None
        return self.latest

    async def _info_batch_tokens(self, session: aiohttp.ClientSession) -> int:
        async with session.get(f"{self.base_url}/info", timeout=self._timeout) as response:
            if response.status != 200:
                return 0  # not TGI: vLLM reports its cache usage directly
            info = await response.json()
        return int(info.get("max_batch_total_tokens") or 0)
