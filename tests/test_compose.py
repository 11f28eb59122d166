"""Offline validation of the docker-compose stack, its Dockerfiles and its Prometheus config.

Nothing here needs a Docker engine: ``docker-compose config`` (Debian's compose v1,
``apt-get install docker-compose``) only parses and interpolates the file, and
``promtool check config`` (``apt-get install prometheus``) only parses Prometheus'
configuration. When either tool is missing the test that needs it is skipped on a
developer machine, but fails in CI (``CI`` set), where the tools must be installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
PROMETHEUS_FILE = ROOT / "infra" / "prometheus" / "prometheus.compose.yml"
GRAFANA_DATASOURCE = ROOT / "infra" / "grafana" / "provisioning" / "datasources" / "prometheus.yml"

# name -> (env prefix, HTTP port, Dockerfile); the five platform services.
PLATFORM_SERVICES: dict[str, tuple[str, int, str]] = {
    "gateway": ("GATEWAY", 8080, "services/gateway/Dockerfile"),
    "inference": ("INFERENCE", 8081, "services/inference/Dockerfile"),
    "guardrails": ("GUARDRAILS", 8082, "services/guardrails/Dockerfile"),
    "drift": ("DRIFT", 8083, "services/drift/Dockerfile"),
    "audit": ("AUDIT", 8084, "services/audit/Dockerfile"),
}
# Service-specific variables on top of ENVIRONMENT, KAFKA_BOOTSTRAP, HTTP_HOST, HTTP_PORT, LOG_LEVEL.
EXTRA_ENV: dict[str, set[str]] = {
    "gateway": {"GATEWAY_REDIS_URL", "GATEWAY_JWT_SECRET"},
    "inference": {"INFERENCE_TGI_URL", "INFERENCE_FALLBACK_URL"},
    "guardrails": set(),
    "drift": {"DRIFT_REDIS_URL"},
    "audit": {"AUDIT_ELASTICSEARCH_URL", "AUDIT_USER_HASH_KEY", "AUDIT_GROUP_INSTANCE_ID"},
}
INFRA_SERVICES = [
    "kafka",
    "kafka-init",
    "elasticsearch",
    "kibana",
    "redis",
    "prometheus",
    "grafana",
    "tgi",
    "tgi-simulator",
    "tgi-fallback",
]
ALL_SERVICES = [*INFRA_SERVICES, *PLATFORM_SERVICES]
ONE_SHOT_SERVICES = {"kafka-init"}
TOPICS: dict[str, int] = {
    "llm.requests.v1": 6,
    "llm.completions.v1": 6,
    "llm.responses.v1": 6,
    "llm.drift.v1": 3,
    "llm.retrain.v1": 3,
    "llm.deadletter.v1": 3,
}
# Secrets the compose file requires with ${VAR:?message}; set for `docker-compose config`.
REQUIRED_SECRETS: dict[str, str] = {
    "GATEWAY_JWT_SECRET": "compose-test-jwt-secret",
    "GRAFANA_ADMIN_PASSWORD": "compose-test-grafana-password",
    "AUDIT_USER_HASH_KEY": "compose-test-user-hash-key",
}


def _require_tool(name: str, install_hint: str) -> str:
    """Path of ``name``; skip without it locally, fail without it in CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not on PATH (install it with: {install_hint})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it")
        pytest.skip(f"{message}; skipped outside CI")
    return path


def _compose_env(**overrides: str | None) -> dict[str, str]:
    """Environment for docker-compose: the required secrets set, overrides applied (None unsets)."""
    env = dict(os.environ)
    env.update(REQUIRED_SECRETS)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run_compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = _require_tool("docker-compose", "apt-get install docker-compose")
    return subprocess.run(
        [binary, "-f", str(COMPOSE_FILE), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = compose["services"]
    assert isinstance(result, dict)
    return result


@pytest.fixture(scope="module")
def prometheus_config() -> dict[str, Any]:
    data = yaml.safe_load(PROMETHEUS_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict), "use the mapping form for environment"
    return {str(key): str(value) for key, value in env.items()}


def _command_text(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return "\n".join(command) if isinstance(command, list) else str(command)


# ----------------------------------------------------------------- docker-compose config


def test_compose_config_is_valid() -> None:
    result = _run_compose("config", "-q", env=_compose_env())
    assert result.returncode == 0, result.stderr


def test_compose_config_is_valid_with_gpu_profile() -> None:
    env = _compose_env(INFERENCE_TGI_URL="http://tgi:80", HF_TOKEN="hf_compose_test")
    result = _run_compose("--profile", "gpu", "config", "-q", env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("secret", sorted(REQUIRED_SECRETS))
def test_compose_refuses_to_start_without_secret(secret: str) -> None:
    result = _run_compose("config", "-q", env=_compose_env(**{secret: None}))
    assert result.returncode != 0
    assert f"set {secret}" in result.stderr, result.stderr


def test_compose_interpolates_inference_backends() -> None:
    env = _compose_env(INFERENCE_TGI_URL=None, INFERENCE_FALLBACK_URL=None)
    result = _run_compose("config", env=env)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    inference_env = _environment(resolved["services"]["inference"])
    assert inference_env["INFERENCE_TGI_URL"] == "http://tgi-simulator:8090"
    assert inference_env["INFERENCE_FALLBACK_URL"] == "http://tgi-fallback:8090"

    result = _run_compose("config", env=_compose_env(INFERENCE_TGI_URL="http://tgi:80"))
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert _environment(resolved["services"]["inference"])["INFERENCE_TGI_URL"] == "http://tgi:80"


# ------------------------------------------------------------------------ structure


def test_all_services_present(services: dict[str, dict[str, Any]]) -> None:
    missing = [name for name in ALL_SERVICES if name not in services]
    assert not missing, f"services missing from docker-compose.yml: {missing}"


@pytest.mark.parametrize("name", [s for s in ALL_SERVICES if s not in ONE_SHOT_SERVICES])
def test_service_has_healthcheck(services: dict[str, dict[str, Any]], name: str) -> None:
    healthcheck = services[name].get("healthcheck")
    assert isinstance(healthcheck, dict), f"{name} has no healthcheck"
    assert not healthcheck.get("disable", False)
    assert healthcheck.get("test"), f"{name} healthcheck has no test"


def test_only_tgi_is_gpu_only(services: dict[str, dict[str, Any]]) -> None:
    assert services["tgi"].get("profiles") == ["gpu"]
    in_profiles = {name for name, svc in services.items() if svc.get("profiles")}
    assert in_profiles == {"tgi"}, "everything but TGI belongs to the default profile"


def test_tgi_gpu_service(services: dict[str, dict[str, Any]]) -> None:
    tgi = services["tgi"]
    assert tgi["image"] == "ghcr.io/huggingface/text-generation-inference:3.3.4"
    assert tgi["shm_size"] == "1g"
    env = _environment(tgi)
    assert env["MODEL_ID"].startswith("${") and "Llama-3.1-8B-Instruct" in env["MODEL_ID"]
    assert env["HF_TOKEN"].startswith("${HF_TOKEN")
    devices = tgi["deploy"]["resources"]["reservations"]["devices"]
    assert any(d.get("driver") == "nvidia" and "gpu" in d.get("capabilities", []) for d in devices)
    assert any(str(v).endswith(":/data") for v in tgi.get("volumes", []))


def test_simulators(services: dict[str, dict[str, Any]]) -> None:
    for name in ("tgi-simulator", "tgi-fallback"):
        build = services[name]["build"]
        assert build["context"] == "."
        assert build["dockerfile"] == "infra/tgi-simulator/Dockerfile"
        # The simulator answers like TGI: readiness on /health.
        assert "127.0.0.1:8090/health'" in str(services[name]["healthcheck"]["test"])
    fallback = _command_text(services["tgi-fallback"])
    assert "--decode-ms-per-token" in fallback


def test_kafka_init_creates_topics(services: dict[str, dict[str, Any]]) -> None:
    init = services["kafka-init"]
    assert init.get("restart") in ("no", False)
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    script = _command_text(init) + "\n" + str(init.get("entrypoint", ""))
    created: dict[str, int] = {}
    for line in script.splitlines():
        if "kafka-topics.sh" not in line or "--create" not in line:
            continue
        topic = re.search(r"--topic[ =](\S+)", line)
        partitions = re.search(r"--partitions[ =](\d+)", line)
        assert topic and partitions, f"cannot parse topic creation: {line!r}"
        created[topic.group(1)] = int(partitions.group(1))
    assert created == TOPICS


def test_kafka_is_kraft_with_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    kafka = services["kafka"]
    assert kafka["image"] == "apache/kafka:3.9.1"
    env = _environment(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_infra_images_and_settings(services: dict[str, dict[str, Any]]) -> None:
    es = services["elasticsearch"]
    assert es["image"].endswith("elasticsearch:8.15.3")
    es_env = _environment(es)
    assert es_env["discovery.type"] == "single-node"
    assert es_env["xpack.security.enabled"] == "false"
    assert "-Xmx1g" in es_env["ES_JAVA_OPTS"]
    assert "_cluster/health" in str(es["healthcheck"]["test"])

    kibana = services["kibana"]
    assert kibana["image"].endswith("kibana:8.15.3")
    assert kibana["depends_on"]["elasticsearch"]["condition"] == "service_healthy"

    redis = services["redis"]
    assert redis["image"].startswith("redis:7")
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    assert "ping" in redis["healthcheck"]["test"]

    prometheus_mounts = [str(v) for v in services["prometheus"]["volumes"]]
    assert any(m.startswith("./infra/prometheus/prometheus.compose.yml:") for m in prometheus_mounts)
    grafana_mounts = [str(v) for v in services["grafana"]["volumes"]]
    assert any(m.startswith("./infra/grafana/provisioning:") for m in grafana_mounts)


def test_grafana_datasource_points_at_prometheus() -> None:
    data = yaml.safe_load(GRAFANA_DATASOURCE.read_text(encoding="utf-8"))
    sources = data["datasources"]
    assert any(s["type"] == "prometheus" and s["url"] == "http://prometheus:9090" for s in sources)


# ------------------------------------------------------------------ platform services


@pytest.mark.parametrize("name", sorted(PLATFORM_SERVICES))
def test_platform_service(services: dict[str, dict[str, Any]], name: str) -> None:
    prefix, port, dockerfile = PLATFORM_SERVICES[name]
    service = services[name]

    build = service["build"]
    assert build["context"] == "."
    assert build["dockerfile"] == dockerfile
    assert (ROOT / build["context"] / build["dockerfile"]).is_file()

    assert service["restart"] == "unless-stopped"
    depends_on = service["depends_on"]
    assert isinstance(depends_on, dict), "depends_on must use conditions"
    assert depends_on["kafka-init"]["condition"] == "service_completed_successfully"
    assert all("condition" in dep for dep in depends_on.values())

    env = _environment(service)
    common = {f"{prefix}_{key}" for key in ("ENVIRONMENT", "KAFKA_BOOTSTRAP", "HTTP_HOST", "HTTP_PORT")}
    expected = common | {f"{prefix}_LOG_LEVEL"} | EXTRA_ENV[name]
    assert expected <= set(env), f"{name} lacks {sorted(expected - set(env))}"
    unknown = {key for key in env if not key.startswith(f"{prefix}_")}
    assert not unknown, f"{name} has variables outside its {prefix}_ prefix: {sorted(unknown)}"
    assert env[f"{prefix}_ENVIRONMENT"] == "production"
    assert env[f"{prefix}_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env[f"{prefix}_HTTP_PORT"] == str(port)
    assert f"127.0.0.1:{port}/healthz" in str(service["healthcheck"]["test"])


def test_secrets_come_from_environment(services: dict[str, dict[str, Any]]) -> None:
    gateway = _environment(services["gateway"])
    assert gateway["GATEWAY_JWT_SECRET"] == "${GATEWAY_JWT_SECRET:?set GATEWAY_JWT_SECRET}"
    inference = _environment(services["inference"])
    assert inference["INFERENCE_TGI_URL"] == "${INFERENCE_TGI_URL:-http://tgi-simulator:8090}"
    grafana = _environment(services["grafana"])
    assert grafana["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")


@pytest.mark.parametrize(
    ("dockerfile", "package", "module", "port", "health_path"),
    [(df, name, name, port, "/healthz") for name, (_, port, df) in sorted(PLATFORM_SERVICES.items())]
    + [("infra/tgi-simulator/Dockerfile", "tgi-simulator", "tgi_simulator", 8090, "/health")],
)
def test_dockerfile(dockerfile: str, package: str, module: str, port: int, health_path: str) -> None:
    text = (ROOT / dockerfile).read_text(encoding="utf-8")
    assert "COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /bin/uv" in text
    assert re.search(r"^FROM python:3\.11-slim AS builder$", text, re.MULTILINE)
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) >= 2, "multi-stage build expected"
    assert f"uv sync --frozen --no-dev --no-install-workspace --package {package}" in text
    assert f"uv sync --frozen --no-dev --no-editable --package {package}" in text
    assert "COPY schemas /app/schemas" in text
    assert "LLMOPS_SCHEMAS_DIR=/app/schemas" in text
    user = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert user and user[-1] not in ("root", "0"), "runtime must run as a non-root user"
    assert f"EXPOSE {port}" in text
    healthcheck = re.search(r"^HEALTHCHECK .*\n\s+CMD (\[.*\])$", text, re.MULTILINE)
    assert healthcheck, "HEALTHCHECK with an exec-form CMD expected"
    probe = healthcheck.group(1)
    assert probe.startswith('["python", "-c", ') and "urllib.request" in probe
    assert f"{health_path}'" in probe
    assert re.search(rf'^CMD \["python", "-m", "{module}"', text, re.MULTILINE)


def _workspace_members() -> list[Path]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    members: list[Path] = []
    for pattern in pyproject["tool"]["uv"]["workspace"]["members"]:
        members.extend(p.parent for p in sorted(ROOT.glob(f"{pattern}/pyproject.toml")))
    return members


def test_dockerfiles_copy_every_workspace_member_pyproject() -> None:
    # uv discovers the whole workspace before `uv sync --package`, so the dependency layer
    # needs every member's pyproject.toml; a new member must be added to each Dockerfile.
    members = _workspace_members()
    assert len(members) >= 7
    dockerfiles = [df for _, _, df in PLATFORM_SERVICES.values()] + ["infra/tgi-simulator/Dockerfile"]
    for dockerfile in dockerfiles:
        text = (ROOT / dockerfile).read_text(encoding="utf-8")
        assert "COPY pyproject.toml uv.lock ./" in text
        for member in members:
            rel = member.relative_to(ROOT).as_posix()
            assert f"COPY {rel}/pyproject.toml {rel}/pyproject.toml" in text, f"{dockerfile} misses {rel}"


def test_dockerignore_excludes_local_state() -> None:
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for pattern in (
        ".venv",
        ".git",
        ".llmops",
        "**/__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    ):
        assert pattern in patterns, f".dockerignore lacks {pattern}"


# ------------------------------------------------------------------------- Prometheus


def _scrape_targets(config: dict[str, Any]) -> set[str]:
    targets: set[str] = set()
    for job in config["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics"
        for static in job.get("static_configs", []):
            targets.update(static["targets"])
    return targets


def test_prometheus_scrapes_every_service(prometheus_config: dict[str, Any]) -> None:
    targets = _scrape_targets(prometheus_config)
    expected = {f"{name}:{port}" for name, (_, port, _) in PLATFORM_SERVICES.items()}
    expected |= {"tgi-simulator:8090", "tgi-fallback:8090", "tgi:80"}
    assert expected <= targets, f"Prometheus does not scrape {sorted(expected - targets)}"


def test_prometheus_targets_are_compose_services(
    prometheus_config: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    hosts = {target.split(":")[0] for target in _scrape_targets(prometheus_config)} - {"localhost"}
    assert hosts <= set(services), f"scrape targets without a service: {sorted(hosts - set(services))}"


def test_promtool_check_config() -> None:
    promtool = _require_tool("promtool", "apt-get install prometheus")
    result = subprocess.run(
        [promtool, "check", "config", str(PROMETHEUS_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
