"""Options, environment variables and the ``python -m tgi_simulator`` process."""

from __future__ import annotations

import asyncio
import sys

import aiohttp
import orjson
import pytest

from tgi_simulator.cli import parse_config
from tgi_simulator.config import SimulatorConfig


def test_defaults_describe_a_7b_model_on_one_gpu() -> None:
    config = parse_config([], environ={})
    assert config == SimulatorConfig()
    assert (config.host, config.port, config.max_concurrent_requests) == ("127.0.0.1", 8090, 128)
    assert 0.1 <= config.prefill_ms_per_token <= 0.3
    assert 8 <= config.decode_ms_per_token <= 30  # batch-1 step of an 8B fp16 model, A100 to A10G


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (
            ["--decode-ms-per-token", "0", "--model-id", "m/x"],
            {},
            {"decode_ms_per_token": 0.0, "model_id": "m/x"},
        ),
        (
            [],
            {"TGI_SIM_MAX_QUEUE": "3", "TGI_SIM_PREFILL_MS_PER_TOKEN": "1.5"},
            {"max_queue": 3, "prefill_ms_per_token": 1.5},
        ),
        (
            ["--port", "9000"],
            {"TGI_SIM_PORT": "9100", "TGI_SIM_HOST": "0.0.0.0"},
            {"port": 9000, "host": "0.0.0.0"},
        ),
        (["--eos-probability", "1"], {}, {"eos_probability": 1.0}),
    ],
)
def test_options_and_environment(
    argv: list[str], environ: dict[str, str], expected: dict[str, object]
) -> None:
    config = parse_config(argv, environ=environ)
    assert {name: getattr(config, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("argv", "environ"),
    [
        (["--port", "eighty"], {}),
        ([], {"TGI_SIM_MAX_CONCURRENT_REQUESTS": "many"}),
        (["--max-concurrent-requests", "0"], {}),
        (["--max-input-tokens", "10", "--max-total-tokens", "10"], {}),
        (["--eos-probability", "1.5"], {}),
        (["--no-such-option", "1"], {}),
    ],
)
def test_bad_values_exit_with_usage(argv: list[str], environ: dict[str, str]) -> None:
    with pytest.raises(SystemExit):
        parse_config(argv, environ=environ)


async def test_module_logs_its_url_as_json_and_serves() -> None:
    argv = ["-m", "tgi_simulator", "--host", "127.0.0.1", "--port", "0", "--decode-ms-per-token", "0"]
    process = await asyncio.create_subprocess_exec(sys.executable, *argv, stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        started = orjson.loads(line)
        assert started["event"] == "tgi_simulator.started"
        assert started["config"]["decode_ms_per_token"] == 0.0
        async with aiohttp.ClientSession() as http, http.get(f"{started['url']}/health") as response:
            assert response.status == 200
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0
