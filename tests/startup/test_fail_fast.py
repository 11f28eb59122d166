"""A service whose server is missing at start-up exits at once with a message naming the endpoint."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from llmops.localstack.ports import free_port

DEAD_KAFKA = f"127.0.0.1:{free_port()}"
DEAD_HTTP = f"http://127.0.0.1:{free_port()}"
DEAD_FALLBACK = f"http://127.0.0.1:{free_port()}"
DEAD_REDIS = f"redis://127.0.0.1:{free_port()}/0"


@pytest.mark.parametrize(
    ("service", "env", "named"),
    [
        (
            "gateway",
            {"GATEWAY_KAFKA_BOOTSTRAP": DEAD_KAFKA, "GATEWAY_REDIS_URL": DEAD_REDIS},
            [DEAD_KAFKA, DEAD_REDIS],
        ),
        (
            "inference",
            {
                "INFERENCE_KAFKA_BOOTSTRAP": DEAD_KAFKA,
                "INFERENCE_TGI_URL": DEAD_HTTP,
                "INFERENCE_FALLBACK_URL": DEAD_FALLBACK,
            },
            [DEAD_KAFKA, DEAD_HTTP, DEAD_FALLBACK],
        ),
        ("guardrails", {"GUARDRAILS_KAFKA_BOOTSTRAP": DEAD_KAFKA}, [DEAD_KAFKA]),
        (
            "drift",
            {"DRIFT_KAFKA_BOOTSTRAP": DEAD_KAFKA, "DRIFT_REDIS_URL": DEAD_REDIS},
            [DEAD_KAFKA, DEAD_REDIS],
        ),
        (
            "audit",
            {"AUDIT_KAFKA_BOOTSTRAP": DEAD_KAFKA, "AUDIT_ELASTICSEARCH_URL": DEAD_HTTP},
            [DEAD_KAFKA, DEAD_HTTP],
        ),
    ],
)
def test_missing_server_fails_fast_naming_it(service: str, env: dict[str, str], named: list[str]) -> None:
    prefix = service.upper()
    full_env = {
        **os.environ,
        **env,
        f"{prefix}_ENVIRONMENT": "local",
        f"{prefix}_HTTP_PORT": str(free_port()),
    }
    result = subprocess.run(
        [sys.executable, "-m", service],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"{service}: cannot start:")
    for endpoint in named:
        assert endpoint in last_line


@pytest.mark.parametrize("service", ["gateway", "inference", "guardrails", "drift", "audit"])
def test_missing_required_setting_names_the_variable(service: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(service.upper() + "_")}
    result = subprocess.run(
        [sys.executable, "-m", service],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"{service.upper()}_KAFKA_BOOTSTRAP is required" in result.stderr
