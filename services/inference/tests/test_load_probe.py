"""Reading a model server's load from its Prometheus metrics: TGI's names and vLLM's."""

from __future__ import annotations

import pytest

from inference.load_probe import ServerLoad, parse_load

TGI = """# TYPE tgi_queue_size gauge
tgi_queue_size 12.0
# TYPE tgi_batch_current_size gauge
tgi_batch_current_size 100.0
# TYPE tgi_batch_current_max_tokens gauge
tgi_batch_current_max_tokens 8192.0
"""
VLLM = """# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="m"} 3.0
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="m"} 40.0
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="m"} 0.75
"""


@pytest.mark.parametrize(
    ("text", "max_batch_tokens", "load"),
    [
        (TGI, 16384, ServerLoad(queue_size=12.0, batch_size=100.0, batch_fullness=0.5)),
        (TGI, None, ServerLoad(queue_size=12.0, batch_size=100.0, batch_fullness=None)),
        (TGI, 4096, ServerLoad(queue_size=12.0, batch_size=100.0, batch_fullness=1.0)),  # clamped
        (VLLM, None, ServerLoad(queue_size=3.0, batch_size=40.0, batch_fullness=0.75)),
        ("# nothing we know\nother_metric 1\n", 100, ServerLoad(0.0, 0.0, None)),
    ],
)
def test_load_is_read_from_tgi_or_vllm_metric_names(
    text: str, max_batch_tokens: int | None, load: ServerLoad
) -> None:
    assert parse_load(text, max_batch_tokens) == load
