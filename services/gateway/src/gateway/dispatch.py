"""One request through the platform: admit, produce, await the guarded result.

The order matters: a pending slot is taken before admission (so a full replica
never charges a quota), the quota is released if the request cannot be produced,
and a request that outlives its deadline keeps its reservation until its response
settles it (the inference may still be running).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from gateway.auth import Principal
from gateway.errors import ApiError
from gateway.ledger import TenantLedger
from gateway.metric_defs import FALLBACK_ROUTED, PIPELINE_LATENCY
from gateway.pending import PendingReplies
from gateway.policy import TenantPolicy
from gateway.request_builder import OpenAiRequest, max_tokens_of, request_event, request_kind
from gateway.results import guarded_result
from gateway.settings import GatewaySettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.errors import LlmopsError
from llmops.events import LlmRequest, ReplyTo
from llmops.producer import DurableProducer
from llmops.tracing import new_traceparent, trace_id_of

_POLL_S = 0.05


@dataclass
class Dispatcher:
    """Everything one request needs on its way through the platform."""

    settings: GatewaySettings
    codec: AvroCodec
    producer: DurableProducer
    pending: PendingReplies
    ledger: TenantLedger
    reply_partition: int

    def policy(self, tenant: str) -> TenantPolicy:
        """The tenant's limits (its own, or the default)."""
        return self.settings.tenant_policies.get(tenant, self.settings.default_policy)

    async def submit(
        self, body: OpenAiRequest, caller: Principal, traceparent: str | None, idempotency_key: str | None
    ) -> str:
        """Admit and produce without waiting (``POST /v1/requests``); returns the request id."""
        event = self._event(body, caller, _continued(traceparent), idempotency_key)
        original = await self._admit(event, body)
        if original:
            return original
        await self._produce(event)
        return event["request_id"]

    async def call(
        self, body: OpenAiRequest, caller: Principal, traceparent: str | None, idempotency_key: str | None
    ) -> dict[str, Any]:
        """Run a request and return its guarded result, or raise 504 naming the request id."""
        event = self._event(body, caller, _continued(traceparent), idempotency_key)
        request_id = event["request_id"]
        waiting = self.pending.register(request_id)
        try:
            original = await self._admit(event, body)
            if original:
                return await self._stored_result(caller.tenant, original)
            produced = time.perf_counter()
            await self._produce(event)
            try:
                response = await asyncio.wait_for(waiting, self.settings.request_timeout_s)
                PIPELINE_LATENCY.observe(time.perf_counter() - produced)
                return guarded_result(response)
            except TimeoutError:
                return await self._stored_result(caller.tenant, request_id, wait_s=0.0)
        finally:
            self.pending.forget(request_id)

    def _event(
        self, body: OpenAiRequest, caller: Principal, traceparent: str | None, idempotency_key: str | None
    ) -> LlmRequest:
        reply_to = ReplyTo(topic=self.settings.reply_topic, partition=self.reply_partition)
        return request_event(
            body,
            caller,
            reply_to,
            max(self.settings.request_timeout_s, self.settings.processing_deadline_s),
            self.settings.default_max_tokens,
            trace_id_of(traceparent),
            idempotency_key,
        )

    async def _admit(self, event: LlmRequest, body: OpenAiRequest) -> str | None:
        """Admit the event (flagging it for the fallback model if the policy says so).

        Returns:
            None when admitted, or the original request id of an idempotent retry.
        """
        reserve = max_tokens_of(body, self.settings.default_max_tokens) + _prompt_tokens_bound(event)
        admission = await self.ledger.admit(
            event["tenant"],
            event["request_id"],
            request_kind(body),
            reserve,
            event["created_at"],
            self.policy(event["tenant"]),
            event["idempotency_key"],
            _fingerprint(body),
        )
        if admission.duplicate:
            return admission.request_id
        if admission.fallback_reason is not None:
            FALLBACK_ROUTED.labels(admission.fallback_reason).inc()
            event["fallback_requested"], event["fallback_reason"] = True, admission.fallback_reason
        return None

    async def _produce(self, event: LlmRequest) -> None:
        headers = [
            ("traceparent", new_traceparent(event["trace_id"]).encode()),
            ("content-type", b"application/vnd.apache.avro"),
        ]
        value = self.codec.encode(topics.REQUESTS.schema, event)
        try:
            await self.producer.send(
                topics.REQUESTS.name, value, key=event["request_id"].encode(), headers=headers
            )
        except LlmopsError as exc:
            await self.ledger.release(
                event["tenant"], event["request_id"], event["created_at"], event["idempotency_key"]
            )
            raise ApiError(
                503,
                "request could not be queued, retry shortly",
                "api_error",
                "queue_unavailable",
                headers={"Retry-After": "1"},
            ) from exc

    async def _stored_result(
        self, tenant: str, request_id: str, wait_s: float | None = None
    ) -> dict[str, Any]:
        """Wait for a result in Redis (an idempotent retry, or a last look at the deadline).

        Raises:
            ApiError: 504 naming the request id when it is not there in time.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.settings.request_timeout_s if wait_s is None else wait_s)
        while True:
            record = await self.ledger.record(tenant, request_id)
            if record is not None and record.result is not None:
                return record.result
            if loop.time() >= deadline:
                raise _deadline_exceeded(request_id, self.settings.request_timeout_s)
            await asyncio.sleep(_POLL_S)


def _fingerprint(body: OpenAiRequest) -> str:
    """What the request asks for, hashed: a reused ``Idempotency-Key`` must come with the same request."""
    canonical = f"{request_kind(body)}:{body.model_dump_json()}".encode()
    return hashlib.sha256(canonical).hexdigest()[:32]


def _continued(traceparent: str | None) -> str:
    """The caller's W3C trace context when valid, else a new trace."""
    return traceparent if traceparent and trace_id_of(traceparent) else new_traceparent()


def _prompt_tokens_bound(event: LlmRequest) -> int:
    """An upper estimate of the prompt's tokens (about 3 characters per token, plus per-turn overhead)."""
    chars = sum(len(m["content"]) + 8 for m in event["messages"]) + len(event["prompt"] or "")
    return chars // 3 + 1


def _deadline_exceeded(request_id: str, timeout_s: float) -> ApiError:
    return ApiError(
        504,
        f"request {request_id} did not complete within {timeout_s:g}s; fetch it later at "
        f"GET /v1/requests/{request_id}",
        "timeout",
        "deadline_exceeded",
        headers={"X-Request-Id": request_id},
    )
