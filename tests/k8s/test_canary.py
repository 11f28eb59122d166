"""The inference canary: catalog weights split requests per request id between model
servers, and every server named in the catalog serves the model and revision it claims."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from inference.canary import pick_version
from inference.catalog import ModelVersion
from inference.catalog_file import FileCatalog, load_catalog
from inference.settings import InferenceSettings
from inference.wiring import catalog_of, endpoints_of
from llmops.settings import load_settings
from llmops.testing.k8s_manifests import Manifest, Manifests, containers


def inference_env(manifests: Manifests) -> dict[str, str]:
    inference = manifests.get("Deployment", "inference")
    return manifests.container_env(inference, next(containers(inference)))


def catalog(manifests: Manifests, tmp_path: Path) -> FileCatalog:
    """The catalog the inference pods read, loaded by the service's own loader."""
    config = manifests.get("ConfigMap", "inference-catalog")
    path = tmp_path / "catalog.yaml"
    path.write_text(config["data"]["catalog.yaml"])
    env = inference_env(manifests)
    return load_catalog(
        path, {"TGI_URL": env["INFERENCE_TGI_URL"], "FALLBACK_URL": env["INFERENCE_FALLBACK_URL"]}
    )


def server_behind(manifests: Manifests, endpoint: str) -> Manifest:
    """The model-server Deployment that an in-cluster endpoint URL reaches."""
    url = urlsplit(endpoint)
    service = manifests.get("Service", str(url.hostname))
    assert url.port in (None, *(p["port"] for p in service["spec"]["ports"])), endpoint
    (workload,) = manifests.workloads_selected_by(service["spec"]["selector"])
    return workload


def test_inference_reads_the_catalog_from_its_config_map(manifests: Manifests) -> None:
    inference = manifests.get("Deployment", "inference")
    mounts = {m["name"]: m["mountPath"] for m in next(containers(inference))["volumeMounts"]}
    volumes = {v["name"]: v for v in inference["spec"]["template"]["spec"]["volumes"]}
    assert inference_env(manifests)["INFERENCE_CATALOG_PATH"] == f"{mounts['catalog']}/catalog.yaml"
    assert volumes["catalog"]["configMap"]["name"].startswith("inference-catalog-")


def test_every_catalog_endpoint_serves_the_model_and_revision_it_claims(
    manifests: Manifests, tmp_path: Path
) -> None:
    """Completions record model id and revision from the catalog: they must be the truth."""
    for version in catalog(manifests, tmp_path).versions():
        server = server_behind(manifests, version.endpoint)
        env = manifests.container_env(server, next(containers(server)))
        assert (env["MODEL_ID"], env["REVISION"]) == (version.model_id, version.revision), version.endpoint


def canary_and_stable(manifests: Manifests, tmp_path: Path) -> tuple[list[ModelVersion], ModelVersion]:
    (alias,) = [a for a in catalog(manifests, tmp_path).entries.values() if any(v.canary for v in a.versions)]
    (canary,) = [v for v in alias.versions if v.canary]
    return list(alias.versions), canary


def test_the_canary_runs_on_its_own_model_server(manifests: Manifests, tmp_path: Path) -> None:
    versions, canary = canary_and_stable(manifests, tmp_path)
    stable_endpoints = {v.endpoint for v in versions if not v.canary}
    assert canary.endpoint not in stable_endpoints
    assert server_behind(manifests, canary.endpoint)["metadata"]["labels"]["llmops.io/model-role"] == "canary"


def test_the_canary_gets_its_weight_of_requests(manifests: Manifests, tmp_path: Path) -> None:
    """The split is per request id, whatever the number of inference or canary pods."""
    versions, canary = canary_and_stable(manifests, tmp_path)
    share = canary.weight / sum(v.weight for v in versions)
    assert 0 < share <= 0.5, "a canary takes a minority of the traffic"
    requests = 20_000
    hits = sum(pick_version(versions, f"req-{i}") is canary for i in range(requests))
    # Binomial standard deviation at 5% of 20,000 is ~31 requests; allow 5 of them.
    assert hits == pytest.approx(share * requests, abs=5 * (requests * share * (1 - share)) ** 0.5)


def test_a_request_sticks_to_its_version(manifests: Manifests, tmp_path: Path) -> None:
    versions, _ = canary_and_stable(manifests, tmp_path)
    assert all(pick_version(versions, f"r{i}") is pick_version(versions, f"r{i}") for i in range(200))


def test_workers_keep_slots_beyond_any_one_model_server(manifests: Manifests, tmp_path: Path) -> None:
    """The start-up rule of ``inference.pipeline.check_concurrency``, on the rendered catalog:
    a hung server may hold only its own slots, never every actor of a worker."""
    catalog(manifests, tmp_path)  # writes tmp_path / "catalog.yaml"
    env = inference_env(manifests)
    values = {key.removeprefix("INFERENCE_").lower(): value for key, value in env.items()}
    settings = load_settings(InferenceSettings, **{**values, "catalog_path": tmp_path / "catalog.yaml"})
    endpoints = endpoints_of(catalog_of(settings), settings)
    assert settings.max_in_flight > max(endpoint.max_in_flight for endpoint in endpoints.values())
