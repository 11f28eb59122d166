"""Fixtures of the Kubernetes manifest tests: each overlay rendered once per session.

Rendering needs kubectl (any version: the kustomizations use syntax that kustomize
v2.0 and v5 both read). A missing kubectl fails these tests with the install hint; it
never skips them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llmops.testing.k8s_manifests import Manifests, render_overlay

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "infra" / "k8s"
OVERLAYS = ("local", "production")
LLMOPS_SERVICES = ("gateway", "inference", "guardrails", "drift", "audit")


@pytest.fixture(scope="session")
def rendered() -> dict[str, Manifests]:
    """Every overlay, rendered once."""
    return {name: render_overlay(K8S_DIR / "overlays" / name) for name in OVERLAYS}


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    """The name of each overlay in turn."""
    name: str = request.param
    return name


@pytest.fixture
def manifests(rendered: dict[str, Manifests], overlay: str) -> Manifests:
    """The rendered manifests of each overlay in turn."""
    return rendered[overlay]


@pytest.fixture(scope="session")
def k8s_dir() -> Path:
    """``infra/k8s``."""
    return K8S_DIR
