"""Rendered Kubernetes manifests, for the tests of ``infra/k8s``.

An overlay is rendered with ``kubectl kustomize`` (any kubectl: the kustomizations use
syntax that kustomize v2.0 and v5 both read) and indexed by kind and name. Generated
ConfigMaps and Secrets carry a content-hash suffix (``gateway-settings-7b9k...``); they
are looked up by the name written in the kustomization.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

WORKLOAD_KINDS = ("Deployment", "StatefulSet")
_HASH_SUFFIX = re.compile(r"-[a-z0-9]{10}$")
_GENERATED_KINDS = ("ConfigMap", "Secret")

Manifest = dict[str, Any]


class RenderError(Exception):
    """kubectl is missing, or the overlay does not render."""


def kubectl() -> str:
    """Path of kubectl.

    Raises:
        RenderError: kubectl is not installed (``infra/bootstrap.sh`` installs it).
    """
    found = shutil.which("kubectl")
    if found is None:
        raise RenderError(
            "kubectl not found: run infra/bootstrap.sh (it installs Debian's kubernetes-client) "
            "or install any kubectl; the Kubernetes tests render the overlays with it"
        )
    return found


def render_overlay(directory: Path, timeout_s: float = 120.0) -> Manifests:
    """Render a kustomization directory into its manifests.

    Raises:
        RenderError: kubectl is missing or exits non-zero (with its error output).
    """
    result = subprocess.run(
        [kubectl(), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if result.returncode != 0:
        raise RenderError(f"kubectl kustomize {directory} failed: {result.stderr.strip()}")
    return Manifests(tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc))


def base_name(manifest: Manifest) -> str:
    """The name as written in the kustomization (without a generator's hash suffix)."""
    name = str(manifest["metadata"]["name"])
    return _HASH_SUFFIX.sub("", name) if manifest["kind"] in _GENERATED_KINDS else name


def selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    """Whether a ``matchLabels`` selector selects objects with ``labels``."""
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


@dataclass(frozen=True)
class Manifests:
    """The objects of one rendered overlay."""

    objects: tuple[Manifest, ...]

    def of_kind(self, *kinds: str) -> list[Manifest]:
        """The objects of the given kinds, in render order."""
        return [obj for obj in self.objects if obj["kind"] in kinds]

    def find(self, kind: str, name: str) -> Manifest | None:
        """The object of ``kind`` called ``name`` (generated objects by their written name)."""
        return next((obj for obj in self.of_kind(kind) if base_name(obj) == name), None)

    def get(self, kind: str, name: str) -> Manifest:
        """Like :meth:`find`, raising ``KeyError`` naming the object when it is absent."""
        found = self.find(kind, name)
        if found is None:
            raise KeyError(f"no {kind} {name!r} in the rendered overlay")
        return found

    def workloads(self) -> list[Manifest]:
        """Deployments and StatefulSets."""
        return self.of_kind(*WORKLOAD_KINDS)

    def workloads_selected_by(self, selector: Mapping[str, str]) -> list[Manifest]:
        """The workloads whose pod template labels ``selector`` selects."""
        return [w for w in self.workloads() if selects(selector, pod_labels(w))]

    def container_env(self, workload: Manifest, container: Manifest) -> dict[str, str]:
        """A container's environment: its ConfigMaps' values, then its own ``env``.

        Values from a Secret (or the downward API) are shown as ``<secret NAME/KEY>``
        (``<field PATH>``), so tests can check where a variable comes from.
        """
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                config = self._by_rendered_name("ConfigMap", source["configMapRef"]["name"])
                env.update(config.get("data", {}))
        for item in container.get("env", []):
            env[item["name"]] = _env_value(item)
        return env

    def _by_rendered_name(self, kind: str, name: str) -> Manifest:
        for obj in self.of_kind(kind):
            if obj["metadata"]["name"] == name:
                return obj
        raise KeyError(f"{kind} {name!r} is referenced but not rendered")


def _env_value(item: Manifest) -> str:
    if "value" in item:
        return str(item["value"])
    source = item.get("valueFrom", {})
    if "secretKeyRef" in source:
        ref = source["secretKeyRef"]
        return f"<secret {_HASH_SUFFIX.sub('', ref['name'])}/{ref['key']}>"
    if "fieldRef" in source:
        return f"<field {source['fieldRef']['fieldPath']}>"
    return "<unknown source>"


def pod_labels(workload: Manifest) -> dict[str, str]:
    """The labels of a workload's pod template."""
    labels: dict[str, str] = workload["spec"]["template"]["metadata"].get("labels", {})
    return labels


def containers(workload: Manifest) -> Iterator[Manifest]:
    """The (non-init) containers of a workload's pod template."""
    yield from workload["spec"]["template"]["spec"]["containers"]
