"""completion_builder: timings from the request's creation, errors carried, the event encodable."""

from __future__ import annotations

import pytest

from inference import completion_builder
from inference.catalog import BackendKind, ModelVersion
from inference.completion_builder import CallRecord
from inference.model_client import Generation
from llmops.codec import AvroCodec
from llmops.events import InferenceError, LlmRequest, ModelLineage

NOW = 1_763_337_700_000
GENERATION = Generation(
    text="Ciao! Come posso aiutarti?", finish_reason="length", input_tokens=17, output_tokens=8
)
VERSION = ModelVersion(
    alias="llama-3.1-8b",
    version="1",
    model_id="meta-llama/Llama-3.1-8B-Instruct",
    revision="main",
    endpoint="http://tgi-0:8080",
    backend=BackendKind.TGI,
    weight=100.0,
    canary=False,
    input_price_per_1k=0.5,
    output_price_per_1k=1.5,
    max_input_tokens=4095,
    max_output_tokens=1024,
    max_in_flight=8,
)
ERROR = InferenceError(code="backend_error", message="model server down", http_status=503, retriable=True)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(completion_builder, "now_ms", lambda: NOW)


@pytest.mark.parametrize(
    ("created_offset", "started_offset", "finished_offset", "queue_ms", "total_ms"),
    [
        (0, 0, 0, 0.0, 0.0),
        (0, 15, 250, 15.0, 235.0),
        (0, 1_000, 1_001, 1_000.0, 1.0),
        (20, 5, 30, 0.0, 25.0),  # the request's clock ran ahead of ours: no negative queue time
    ],
)
def test_timings(
    chat_request: LlmRequest,
    lineage: ModelLineage,
    created_offset: int,
    started_offset: int,
    finished_offset: int,
    queue_ms: float,
    total_ms: float,
) -> None:
    base = chat_request["created_at"]
    chat_request["created_at"] = base + created_offset

    call = CallRecord(lineage, base + started_offset, base + finished_offset, attempts=1)
    completion = completion_builder.completed(chat_request, GENERATION, VERSION, call)

    assert completion["timings"] == {"queue_ms": queue_ms, "first_token_ms": None, "total_ms": total_ms}
    assert isinstance(completion["timings"]["queue_ms"], float)
    assert isinstance(completion["timings"]["total_ms"], float)


def test_completed_carries_the_generation_and_the_lineage(
    chat_request: LlmRequest, lineage: ModelLineage, codec: AvroCodec
) -> None:
    started = chat_request["created_at"] + 3

    call = CallRecord(lineage, started, started + 40, attempts=2, fallback_reason="saturated: queue 80 > 64")
    completion = completion_builder.completed(chat_request, GENERATION, VERSION, call)

    assert completion["request_id"] == chat_request["request_id"]
    assert completion["tenant"] == chat_request["tenant"]
    assert completion["request"] == chat_request
    assert completion["text"] == GENERATION.text
    assert completion["finish_reason"] == "length"
    assert completion["usage"] == {"input_tokens": 17, "output_tokens": 8}
    assert completion["model"] == lineage
    assert completion["error"] is None
    assert (completion["fallback"], completion["fallback_reason"]) == (True, "saturated: queue 80 > 64")
    assert completion["attempts"] == 2
    assert completion["cost_usd"] == pytest.approx((17 * 0.5 + 8 * 1.5) / 1000)
    assert completion["created_at"] == NOW
    assert codec.decode(codec.encode("completion", completion), "completion") == completion


def test_failed_carries_the_error_and_no_text(
    prompt_request: LlmRequest, lineage: ModelLineage, codec: AvroCodec
) -> None:
    started = prompt_request["created_at"] + 2

    completion = completion_builder.failed(
        prompt_request, ERROR, CallRecord(lineage, started, started + 7, 3)
    )

    assert completion["error"] == ERROR
    assert (completion["text"], completion["finish_reason"]) == ("", "error")
    assert completion["usage"] == {"input_tokens": 0, "output_tokens": 0}
    assert completion["timings"] == {"queue_ms": 2.0, "first_token_ms": None, "total_ms": 7.0}
    assert completion["model"] == lineage
    assert (completion["attempts"], completion["cost_usd"], completion["fallback"]) == (3, 0.0, False)
    assert codec.decode(codec.encode("completion", completion), "completion") == completion
