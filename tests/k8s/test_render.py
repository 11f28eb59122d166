"""Each overlay renders, holds the platform's workloads, and stays readable by kustomize v2.0."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from llmops.testing.k8s_manifests import Manifests, RenderError, render_overlay

SERVICES = {
    "gateway": "Deployment",
    "inference": "Deployment",
    "guardrails": "Deployment",
    "drift": "Deployment",
    "audit": "StatefulSet",
    "tgi": "Deployment",
    "tgi-canary": "Deployment",
    "tgi-fallback": "Deployment",
}
LOCAL_ONLY = ("kafka", "redis", "elasticsearch")
# Top-level fields of a Kustomization that kustomize v2.0 (kubectl 1.20) knows. Newer
# ones (`patches`, `replicas`, `labels`, `components`, `replacements`) would break it.
KUSTOMIZE_V2_FIELDS = {
    "apiVersion",
    "kind",
    "namespace",
    "namePrefix",
    "nameSuffix",
    "commonLabels",
    "commonAnnotations",
    "bases",
    "resources",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "patchesStrategicMerge",
    "patchesJson6902",
    "images",
    "vars",
    "crds",
}


def kustomizations(k8s_dir: Path) -> list[Path]:
    return sorted(k8s_dir.rglob("kustomization.yaml"))


@pytest.mark.parametrize(("name", "kind"), sorted(SERVICES.items()))
def test_every_service_is_rendered(manifests: Manifests, name: str, kind: str) -> None:
    assert manifests.find(kind, name) is not None, f"{kind} {name} missing"


def test_local_dependencies_only_in_the_local_overlay(rendered: dict[str, Manifests]) -> None:
    for name in LOCAL_ONLY:
        assert rendered["local"].find("Deployment", name) is not None
        assert rendered["production"].find("Deployment", name) is None


def test_everything_lands_in_one_namespace(manifests: Manifests) -> None:
    namespaced = [obj for obj in manifests.objects if obj["kind"] != "Namespace"]
    assert {obj["metadata"].get("namespace") for obj in namespaced} == {"llmops"}


def test_kustomizations_use_only_fields_kustomize_v2_reads(k8s_dir: Path) -> None:
    for path in kustomizations(k8s_dir):
        fields = set(yaml.safe_load(path.read_text()))
        assert fields <= KUSTOMIZE_V2_FIELDS, f"{path}: {sorted(fields - KUSTOMIZE_V2_FIELDS)}"


def test_resources_are_files_and_bases_are_directories(k8s_dir: Path) -> None:
    """kustomize v2.0 reads directories only under ``bases`` and files only under ``resources``."""
    for path in kustomizations(k8s_dir):
        spec = yaml.safe_load(path.read_text())
        for entry in spec.get("resources", []):
            assert (path.parent / entry).is_file(), f"{path}: resource {entry} is not a file"
        for entry in spec.get("bases", []):
            assert (path.parent / entry / "kustomization.yaml").is_file(), f"{path}: base {entry}"


def test_a_broken_overlay_fails_with_kubectl_s_message(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    with pytest.raises(RenderError, match=r"missing\.yaml"):
        render_overlay(tmp_path)
