"""Autoscaling rules: targets exist, one autoscaler per workload, and the KEDA triggers
agree with the code (consumer groups, topics, partitions, offset reset, brokers)."""

from __future__ import annotations

import pytest

from llmops import topics
from llmops.faust_app import create_faust_app
from llmops.settings import ServiceSettings
from llmops.testing.k8s_manifests import Manifest, Manifests, containers

KEDA_SCALED = ("inference", "guardrails", "audit")


def autoscalers(manifests: Manifests) -> list[Manifest]:
    return manifests.of_kind("HorizontalPodAutoscaler", "ScaledObject")


def kafka_bootstrap(manifests: Manifests, service: str) -> str:
    workload = next(w for w in manifests.workloads() if w["metadata"]["name"] == service)
    return manifests.container_env(workload, next(containers(workload)))[f"{service.upper()}_KAFKA_BOOTSTRAP"]


def faust_app_conf(service: str) -> tuple[str, str]:
    """The consumer group and offset reset policy the service's faust app really uses."""
    app = create_faust_app(service, ServiceSettings(kafka_bootstrap="kafka:9092", http_port=1))
    return str(app.conf.id), str(app.conf.consumer_auto_offset_reset)


def test_every_autoscaler_targets_a_rendered_workload(manifests: Manifests) -> None:
    for scaler in autoscalers(manifests):
        ref = scaler["spec"]["scaleTargetRef"]
        assert ref.get("apiVersion", "apps/v1") == "apps/v1"
        assert manifests.find(ref.get("kind", "Deployment"), ref["name"]) is not None, ref


def test_no_two_autoscalers_target_one_workload(manifests: Manifests) -> None:
    targets = [
        (s["spec"]["scaleTargetRef"].get("kind", "Deployment"), s["spec"]["scaleTargetRef"]["name"])
        for s in autoscalers(manifests)
    ]
    assert len(targets) == len(set(targets)), targets


def test_the_gateway_scales_on_cpu_up_to_its_reply_partitions(manifests: Manifests) -> None:
    """Each gateway replica leases one partition of the reply topic; one more would not start."""
    hpa = manifests.get("HorizontalPodAutoscaler", "gateway")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= topics.RESPONSES.partitions
    rollout = manifests.get("Deployment", "gateway")["spec"]["strategy"]["rollingUpdate"]
    assert rollout["maxSurge"] == 0, "a surge pod finds no free reply partition at the maximum"


@pytest.mark.parametrize("service", KEDA_SCALED)
def test_keda_triggers_follow_the_service_s_consumer_group(manifests: Manifests, service: str) -> None:
    scaled = manifests.get("ScaledObject", service)
    group, offset_reset = faust_app_conf(service)
    triggers = scaled["spec"]["triggers"]
    assert {t["type"] for t in triggers} == {"kafka"}
    for trigger in triggers:
        metadata = trigger["metadata"]
        assert metadata["consumerGroup"] == group
        assert metadata["offsetResetPolicy"] == offset_reset
        assert metadata["bootstrapServers"] == kafka_bootstrap(manifests, service)
        assert metadata.get("allowIdleConsumers", "false") == "false"
    # One trigger per consumed topic: without `topic`, KEDA would also sum the partitions
    # of every topic in the group (and faust's changelogs) into its replica cap.
    assert sorted(t["metadata"]["topic"] for t in triggers) == sorted(
        spec.name for spec in topics.consumed_by(service)
    )


@pytest.mark.parametrize("service", KEDA_SCALED)
def test_keda_never_scales_past_the_partitions(manifests: Manifests, service: str) -> None:
    """Consumers beyond the partition count of a group's topics would sit idle."""
    spec = manifests.get("ScaledObject", service)["spec"]
    partitions = min(topics.topic(t["metadata"]["topic"]).partitions for t in spec["triggers"])
    assert 0 <= spec.get("minReplicaCount", 0) <= spec["maxReplicaCount"] <= partitions


def test_audit_always_keeps_a_worker(manifests: Manifests) -> None:
    """Join timeouts and index retention run on the audit worker's timers."""
    assert manifests.get("ScaledObject", "audit")["spec"]["minReplicaCount"] >= 1


def test_production_keeps_two_workers_per_group(rendered: dict[str, Manifests]) -> None:
    for service in KEDA_SCALED:
        assert rendered["production"].get("ScaledObject", service)["spec"]["minReplicaCount"] >= 2


def test_latency_path_workers_scale_to_zero_only_locally(rendered: dict[str, Manifests]) -> None:
    for service in ("inference", "guardrails"):
        assert rendered["local"].get("ScaledObject", service)["spec"]["minReplicaCount"] == 0
        assert rendered["production"].get("ScaledObject", service)["spec"]["minReplicaCount"] >= 1


def test_drift_is_a_single_unscaled_worker(manifests: Manifests) -> None:
    """Drift's windows are per worker: two workers would each test half a window."""
    drift = manifests.get("Deployment", "drift")
    assert drift["spec"]["replicas"] == 1
    assert drift["spec"]["strategy"]["rollingUpdate"]["maxSurge"] == 0
    assert all(s["spec"]["scaleTargetRef"]["name"] != "drift" for s in autoscalers(manifests))


def test_audit_members_keep_their_static_identity(manifests: Manifests) -> None:
    """StatefulSet pod names are stable, so the group instance id survives a restart."""
    audit = manifests.get("StatefulSet", "audit")
    env = manifests.container_env(audit, next(containers(audit)))
    assert env["AUDIT_GROUP_INSTANCE_ID"] == "<field metadata.name>"
    assert audit["spec"]["podManagementPolicy"] == "Parallel"
    headless = manifests.get("Service", audit["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"


def test_local_topics_job_creates_the_topic_map(rendered: dict[str, Manifests]) -> None:
    script = rendered["local"].get("Job", "kafka-topics")["spec"]["template"]["spec"]["containers"][0][
        "args"
    ][0]
    for spec in topics.ALL_TOPICS:
        assert f"--topic {spec.name} --partitions {spec.partitions} " in script
