"""House rules for every workload of every overlay: probes, resources, disruption budgets,
security contexts, scrape annotations, Services, images and secrets."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from audit.settings import AuditSettings
from gateway.settings import GatewaySettings
from llmops.testing.k8s_manifests import Manifests, containers, pod_labels, selects

LLMOPS_SERVICES = ("gateway", "inference", "guardrails", "drift", "audit")
MODEL_SERVERS = ("tgi", "tgi-canary", "tgi-fallback")
PROBES = ("startupProbe", "livenessProbe", "readinessProbe")
# A tag other than these, or a digest, pins an image.
UNPINNED_TAGS = {"", "latest", "local"}


def test_every_container_has_the_three_probes(manifests: Manifests) -> None:
    missing = [
        f"{w['metadata']['name']}/{c['name']}: {probe}"
        for w in manifests.workloads()
        for c in containers(w)
        for probe in PROBES
        if probe not in c
    ]
    assert missing == []


def test_probes_use_a_declared_port(manifests: Manifests) -> None:
    for workload in manifests.workloads():
        for container in containers(workload):
            ports = {p.get("name") for p in container.get("ports", [])} | {
                p["containerPort"] for p in container.get("ports", [])
            }
            for probe in PROBES:
                action = container[probe].get("httpGet") or container[probe].get("tcpSocket")
                if action is not None:
                    assert action["port"] in ports, f"{workload['metadata']['name']} {probe}"


def test_every_container_requests_cpu_and_memory_and_caps_memory(manifests: Manifests) -> None:
    for workload in manifests.workloads():
        for container in containers(workload):
            resources = container.get("resources", {})
            where = f"{workload['metadata']['name']}/{container['name']}"
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), where
            assert "memory" in resources.get("limits", {}), where


def test_every_workload_has_exactly_one_disruption_budget(manifests: Manifests) -> None:
    budgets = manifests.of_kind("PodDisruptionBudget")
    for workload in manifests.workloads():
        covering = [b for b in budgets if selects(b["spec"]["selector"]["matchLabels"], pod_labels(workload))]
        assert len(covering) == 1, f"{workload['metadata']['name']}: {len(covering)} budgets"


def test_every_disruption_budget_lets_a_drain_proceed(manifests: Manifests) -> None:
    """A budget of ``maxUnavailable: 0`` (or minAvailable = replicas) would block node drains."""
    for budget in manifests.of_kind("PodDisruptionBudget"):
        assert budget["spec"].get("maxUnavailable", 0) >= 1, budget["metadata"]["name"]


def test_pods_run_as_non_root_without_privileges(manifests: Manifests) -> None:
    for workload in manifests.workloads():
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, workload["metadata"]["name"]
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod.get("automountServiceAccountToken") is False
        for container in containers(workload):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]


@pytest.mark.parametrize("service", LLMOPS_SERVICES)
def test_platform_services_have_a_read_only_root_filesystem(manifests: Manifests, service: str) -> None:
    workload = next(w for w in manifests.workloads() if w["metadata"]["name"] == service)
    pod = workload["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    # faust's data directory and library caches need somewhere writable.
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/tmp", "/home/llmops"} <= mounts


@pytest.mark.parametrize("name", LLMOPS_SERVICES + MODEL_SERVERS)
def test_metrics_are_scraped_on_a_declared_port(manifests: Manifests, name: str) -> None:
    workload = next(w for w in manifests.workloads() if w["metadata"]["name"] == name)
    annotations = workload["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    ports = {str(p["containerPort"]) for c in containers(workload) for p in c["ports"]}
    assert annotations["prometheus.io/port"] in ports


@pytest.mark.parametrize(
    ("service", "port"),
    [("gateway", 8080), ("inference", 8081), ("guardrails", 8082), ("drift", 8083), ("audit", 8084)],
)
def test_services_listen_where_their_settings_say(manifests: Manifests, service: str, port: int) -> None:
    workload = next(w for w in manifests.workloads() if w["metadata"]["name"] == service)
    container = next(containers(workload))
    env = manifests.container_env(workload, container)
    assert env[f"{service.upper()}_HTTP_PORT"] == str(port)
    assert env[f"{service.upper()}_HTTP_HOST"] == "0.0.0.0"
    assert [p["containerPort"] for p in container["ports"]] == [port]


def test_every_service_selects_a_workload_on_a_named_port(manifests: Manifests) -> None:
    for service in manifests.of_kind("Service"):
        selected = manifests.workloads_selected_by(service["spec"]["selector"])
        assert len(selected) == 1, service["metadata"]["name"]
        names = {p.get("name") for c in containers(selected[0]) for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in names, service["metadata"]["name"]


def test_autoscaled_workloads_leave_the_replica_count_to_the_autoscaler(manifests: Manifests) -> None:
    """An applied ``replicas`` would reset the autoscaler's count on every ``kubectl apply``."""
    targets = {so["spec"]["scaleTargetRef"]["name"] for so in manifests.of_kind("ScaledObject")}
    targets |= {hpa["spec"]["scaleTargetRef"]["name"] for hpa in manifests.of_kind("HorizontalPodAutoscaler")}
    for workload in manifests.workloads():
        if workload["metadata"]["name"] in targets:
            assert "replicas" not in workload["spec"], workload["metadata"]["name"]


def image_is_pinned(image: str) -> bool:
    if "@sha256:" in image:
        return True
    match = re.fullmatch(r"(?P<repo>[^:]+(?::\d+/[^:]+)?)(?::(?P<tag>[\w][\w.-]*))?", image)
    return match is not None and (match.group("tag") or "") not in UNPINNED_TAGS


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("llmops/gateway:0.1.0", True),
        ("registry:5000/llmops/gateway:1.2.3", True),
        ("ghcr.io/x/y@sha256:" + "a" * 64, True),
        ("llmops/gateway", False),
        ("llmops/gateway:latest", False),
        ("llmops/gateway:local", False),
        ("registry:5000/llmops/gateway", False),
    ],
)
def test_image_pinning_rule(image: str, pinned: bool) -> None:
    assert image_is_pinned(image) is pinned


def test_production_images_are_pinned(rendered: dict[str, Manifests]) -> None:
    images = [c["image"] for w in rendered["production"].workloads() for c in containers(w)]
    assert [image for image in images if not image_is_pinned(image)] == []


def secret_refs(manifests: Manifests) -> set[tuple[str, str, bool]]:
    refs = set()
    for workload in manifests.workloads():
        for container in containers(workload):
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    refs.add(
                        (re.sub(r"-[a-z0-9]{10}$", "", ref["name"]), ref["key"], ref.get("optional", False))
                    )
    return refs


def test_no_secret_is_committed_for_production(rendered: dict[str, Manifests]) -> None:
    assert rendered["production"].of_kind("Secret") == []


def test_local_secret_holds_every_required_key(rendered: dict[str, Manifests]) -> None:
    local = rendered["local"]
    for name, key, optional in secret_refs(local):
        secret = local.find("Secret", name)
        if not optional:
            assert secret is not None and key in secret["data"], f"{name}/{key}"


def test_local_secret_values_are_the_services_development_defaults(rendered: dict[str, Manifests]) -> None:
    """The only secrets in the repository are the public defaults that production refuses."""
    data = rendered["local"].get("Secret", "llmops-secrets")["data"]
    decoded = {key: base64.b64decode(value).decode() for key, value in data.items()}
    jwt_default = GatewaySettings.model_fields["jwt_secret"].default.get_secret_value()
    hash_default = AuditSettings.model_fields["user_hash_key"].default.get_secret_value()
    assert decoded["gateway-jwt-secret"] == jwt_default
    assert decoded["audit-user-hash-key"] == hash_default


def test_readme_names_every_secret_key_production_needs(rendered: dict[str, Manifests]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name, key, _ in secret_refs(rendered["production"]):
        assert f"{key}=" in readme and name in readme, f"README does not say how to create {name}/{key}"
