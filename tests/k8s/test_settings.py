"""Every setting the manifests give a service is a real setting, and together they load."""

from __future__ import annotations

import base64

import pytest
from pydantic import SecretStr

from audit.settings import AuditSettings
from drift.settings import DriftSettings
from gateway.settings import GatewaySettings
from guardrails.settings import GuardrailsSettings
from inference.settings import InferenceSettings
from llmops.settings import ServiceSettings, load_settings
from llmops.testing.k8s_manifests import Manifests, containers

SETTINGS: dict[str, type[ServiceSettings]] = {
    "gateway": GatewaySettings,
    "inference": InferenceSettings,
    "guardrails": GuardrailsSettings,
    "drift": DriftSettings,
    "audit": AuditSettings,
}
# What the cluster fills in for values that come from a Secret or the downward API.
PRODUCTION_STAND_INS = {
    "<secret llmops-secrets/gateway-jwt-secret>": "a-real-secret-from-the-cluster-0123456789",
    "<secret llmops-secrets/audit-user-hash-key>": "a-real-key-from-the-cluster-0123456789",
    "<secret llmops-secrets/gateway-redis-url>": "rediss://:password@redis.example:6379/0",
    "<secret llmops-secrets/drift-redis-url>": "rediss://:password@redis.example:6379/1",
    "<secret llmops-secrets/audit-elasticsearch-url>": "https://user:password@es.example:9200",
    "<field metadata.name>": "audit-0",
}


def service_env(manifests: Manifests, service: str) -> dict[str, str]:
    workload = next(w for w in manifests.workloads() if w["metadata"]["name"] == service)
    env = manifests.container_env(workload, next(containers(workload)))
    return {key: value for key, value in env.items() if key.startswith(f"{service.upper()}_")}


@pytest.mark.parametrize("service", SETTINGS)
def test_every_variable_names_a_setting(manifests: Manifests, service: str) -> None:
    """Settings ignore unknown variables, so a misspelt name would be silently lost."""
    prefix = f"{service.upper()}_"
    fields = set(SETTINGS[service].model_fields)
    unknown = [
        key for key in service_env(manifests, service) if key.removeprefix(prefix).lower() not in fields
    ]
    assert unknown == []


def local_secret_values(manifests: Manifests) -> dict[str, str]:
    data = manifests.get("Secret", "llmops-secrets")["data"]
    values = {f"<secret llmops-secrets/{k}>": base64.b64decode(v).decode() for k, v in data.items()}
    return {**values, "<field metadata.name>": "audit-0"}


@pytest.mark.parametrize("service", SETTINGS)
def test_the_settings_load(rendered: dict[str, Manifests], overlay: str, service: str) -> None:
    """As the service's entry point would: production refuses development secrets, local accepts them."""
    manifests = rendered[overlay]
    stand_ins = local_secret_values(manifests) if overlay == "local" else PRODUCTION_STAND_INS
    prefix = f"{service.upper()}_"
    values = {
        key.removeprefix(prefix).lower(): stand_ins.get(value, value)
        for key, value in service_env(manifests, service).items()
    }
    settings = load_settings(SETTINGS[service], **values)
    assert settings.environment.value == ("local" if overlay == "local" else "production")
    secrets = [value for value in vars(settings).values() if isinstance(value, SecretStr)]
    assert secrets or service not in ("gateway", "audit")
