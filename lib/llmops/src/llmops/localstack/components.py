"""The parts of the local stack and how each is started and probed.

Start order is by stage: servers first (stage 0), then the platform's services
(stage 1, after topics exist), then Prometheus (stage 2, once there is something to
scrape). Every endpoint a service uses is passed to it through its settings'
environment variables, exactly as in a real deployment.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from llmops.localstack import binaries, probes
from llmops.localstack.ports import StackPorts

HOST = "127.0.0.1"
SERVICES = ("gateway", "inference", "guardrails", "drift", "audit")


@dataclass(frozen=True)
class Component:
    """One process of the stack.

    Attributes:
        name: Shown by ``llmops status``.
        argv: Command line.
        url: Where users and other parts reach it.
        probe: Readiness probe.
        stage: Start order group.
        env: Extra environment variables.
        ready_timeout_s: How long start-up may take.
    """

    name: str
    argv: tuple[str, ...]
    url: str
    probe: probes.Probe
    stage: int
    env: dict[str, str] = field(default_factory=dict)
    ready_timeout_s: float = 60.0


@dataclass(frozen=True)
class StackConfig:
    """What to run and where.

    Attributes:
        run_dir: Holds logs, PIDs, data and generated configs.
        ports: One port per part.
        simulator_args: Extra options of the primary TGI simulator (latency model).
        fallback_simulator_args: Extra options of the fallback (small, fast) simulator.
        service_env: Extra environment for every service (e.g. test tuning).
    """

    run_dir: Path
    ports: StackPorts = field(default_factory=StackPorts)
    simulator_args: tuple[str, ...] = ("--prefill-ms-per-token", "0.2", "--decode-ms-per-token", "2")
    fallback_simulator_args: tuple[str, ...] = (
        "--prefill-ms-per-token",
        "0.05",
        "--decode-ms-per-token",
        "1",
    )
    service_env: dict[str, str] = field(default_factory=dict)


def infrastructure(config: StackConfig) -> list[Component]:
    """The servers: noida-db (Kafka + Elasticsearch), Redis and two TGI simulators."""
    p, run = config.ports, config.run_dir
    noida = (
        binaries.noida_db(),
        "start",
        "--only",
        "kafka,elasticsearch",
        "--data-dir",
        str(run / "noida-data"),
        "--host",
        HOST,
        "--kafka-port",
        str(p.kafka),
        "--elasticsearch-port",
        str(p.elasticsearch),
    )
    redis = (
        binaries.debian_binary("redis-server", "redis-server"),
        "--bind",
        HOST,
        "--port",
        str(p.redis),
        "--dir",
        str(run / "redis-data"),
        "--appendonly",
        "yes",
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
    )
    es_url = f"http://{HOST}:{p.elasticsearch}"
    return [
        Component(
            "noida-db",
            noida,
            f"kafka://{HOST}:{p.kafka} {es_url}",
            _all(probes.tcp_open(HOST, p.kafka), probes.http_ok(f"{es_url}/_cluster/health")),
            0,
        ),
        Component("redis", redis, f"redis://{HOST}:{p.redis}", probes.redis_ping(HOST, p.redis), 0),
        _simulator("tgi-simulator", p.tgi, "meta-llama/Llama-3.1-8B-Instruct", config.simulator_args),
        _simulator(
            "tgi-fallback", p.tgi_fallback, "Qwen/Qwen2.5-0.5B-Instruct", config.fallback_simulator_args
        ),
    ]


def _simulator(name: str, port: int, model_id: str, extra: tuple[str, ...]) -> Component:
    argv = (
        sys.executable,
        "-m",
        "tgi_simulator",
        "--host",
        HOST,
        "--port",
        str(port),
        "--model-id",
        model_id,
        *extra,
    )
    url = f"http://{HOST}:{port}"
    return Component(name, argv, url, probes.http_ok(f"{url}/health"), 0)


def service_env(service: str, config: StackConfig) -> dict[str, str]:
    """Environment of one platform service: its settings, pointing at the local servers."""
    p = config.ports
    prefix = service.upper() + "_"
    env = {
        "ENVIRONMENT": "local",
        "KAFKA_BOOTSTRAP": f"{HOST}:{p.kafka}",
        "HTTP_HOST": HOST,
        "HTTP_PORT": str(getattr(p, service)),
    }
    specific = {
        "gateway": {"REDIS_URL": f"redis://{HOST}:{p.redis}/0"},
        "inference": {"TGI_URL": f"http://{HOST}:{p.tgi}", "FALLBACK_URL": f"http://{HOST}:{p.tgi_fallback}"},
        "drift": {"REDIS_URL": f"redis://{HOST}:{p.redis}/1"},
        # Static membership: a restarted audit worker takes its partitions back at once
        # (noida-db never evicts a departed member, see the audit section of the README).
        "audit": {
            "ELASTICSEARCH_URL": f"http://{HOST}:{p.elasticsearch}",
            "GROUP_INSTANCE_ID": "audit-local-1",
        },
    }.get(service, {})
    return {prefix + k: v for k, v in {**env, **specific}.items()} | config.service_env


def services(config: StackConfig) -> list[Component]:
    """The five platform services, each a ``python -m <service>`` process."""
    return [
        Component(
            name,
            (sys.executable, "-m", name),
            f"http://{HOST}:{getattr(config.ports, name)}",
            probes.http_ok(f"http://{HOST}:{getattr(config.ports, name)}/readyz"),
            1,
            service_env(name, config),
        )
        for name in SERVICES
    ]


def prometheus(config: StackConfig) -> Component:
    """Prometheus, scraping every service and simulator (config written into the run dir)."""
    p, run = config.ports, config.run_dir
    argv = (
        binaries.debian_binary("prometheus", "prometheus"),
        f"--config.file={run / 'prometheus.yml'}",
        f"--storage.tsdb.path={run / 'prometheus-data'}",
        f"--web.listen-address={HOST}:{p.prometheus}",
        "--storage.tsdb.retention.time=2d",
    )
    url = f"http://{HOST}:{p.prometheus}"
    return Component("prometheus", argv, url, probes.http_ok(f"{url}/-/ready"), 2)


def scrape_targets(config: StackConfig) -> dict[str, str]:
    """Prometheus job name -> ``host:port`` for every part that exports metrics."""
    p = config.ports
    targets = {name: f"{HOST}:{getattr(p, name)}" for name in SERVICES}
    targets["tgi"] = f"{HOST}:{p.tgi}"
    targets["tgi-fallback"] = f"{HOST}:{p.tgi_fallback}"
    return targets


def all_components(config: StackConfig) -> list[Component]:
    """Every part of the stack in start order."""
    return [*infrastructure(config), *services(config), prometheus(config)]


def _all(*checks: probes.Probe) -> probes.Probe:
    return lambda: all(check() for check in checks)


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a child process: ours plus ``extra``."""
    return {**os.environ, **extra}
