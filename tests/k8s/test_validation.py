"""The rendered manifests against the Kubernetes API schemas and KEDA's, offline and strict.

Kubernetes' own kinds are checked with ``kubernetes-validate`` (bundled schemas, strict:
unknown fields are errors) against the oldest and the newest Kubernetes the platform
supports; KEDA's ScaledObject, a custom resource, against the schema vendored in
``infra/k8s/schemas``. Each check is also shown to reject a mistake, so it cannot pass
vacuously.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import kubernetes_validate.utils
import pytest

from llmops.testing.k8s_manifests import Manifest, Manifests

KUBERNETES_VERSIONS = ("1.29.0", "1.37.0")
CUSTOM_KINDS = {"ScaledObject"}


@pytest.fixture(scope="module", autouse=True)
def schemas_read_once() -> Iterator[None]:
    """kubernetes-validate re-reads its 1 MB definitions file per object: read each file once."""
    cached = functools.cache(kubernetes_validate.utils.schema_contents)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kubernetes_validate.utils, "schema_contents", cached)
        yield


def api_errors(objects: list[Manifest], version: str) -> list[str]:
    """Strict schema errors of Kubernetes' own kinds; a kind without a bundled schema is one too."""
    errors = []
    for obj in objects:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(part) for part in exc.path)
            errors.append(f"{name}: {where}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{name}: no schema for {obj['apiVersion']} in Kubernetes {version}")
    return errors


@pytest.fixture(scope="module")
def scaled_object_validator(k8s_dir: Path) -> jsonschema.Draft202012Validator:
    schema = json.loads((k8s_dir / "schemas" / "keda-scaledobject-v1alpha1.json").read_text())
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def kafka_metadata_validator(k8s_dir: Path) -> jsonschema.Draft202012Validator:
    schema = json.loads((k8s_dir / "schemas" / "keda-kafka-trigger-metadata.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def keda_errors(
    obj: Manifest, scaled_object: jsonschema.Draft202012Validator, kafka: jsonschema.Draft202012Validator
) -> list[str]:
    name = obj["metadata"]["name"]
    errors = [f"ScaledObject/{name}: {e.json_path}: {e.message}" for e in scaled_object.iter_errors(obj)]
    for index, trigger in enumerate(obj.get("spec", {}).get("triggers", [])):
        if trigger.get("type") == "kafka":
            for error in kafka.iter_errors(trigger.get("metadata", {})):
                errors.append(f"ScaledObject/{name} trigger {index}: {error.json_path}: {error.message}")
    return errors


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_kubernetes_kinds_match_the_api_schemas(manifests: Manifests, version: str) -> None:
    builtin = [obj for obj in manifests.objects if obj["kind"] not in CUSTOM_KINDS]
    assert api_errors(builtin, version) == []


def test_scaled_objects_match_keda_s_schema(
    manifests: Manifests,
    scaled_object_validator: jsonschema.Draft202012Validator,
    kafka_metadata_validator: jsonschema.Draft202012Validator,
) -> None:
    scaled = manifests.of_kind("ScaledObject")
    assert scaled, "no ScaledObject rendered"
    validators = (scaled_object_validator, kafka_metadata_validator)
    errors = [error for obj in scaled for error in keda_errors(obj, *validators)]
    assert errors == []


def mistyped_deployment(manifests: Manifests) -> Manifest:
    deployment = copy.deepcopy(manifests.get("Deployment", "gateway"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    return deployment


def test_the_api_check_rejects_an_unknown_field(manifests: Manifests) -> None:
    errors = api_errors([mistyped_deployment(manifests)], KUBERNETES_VERSIONS[0])
    assert len(errors) == 1
    assert "readinesProbe" in errors[0]


def test_the_api_check_rejects_a_kind_it_has_no_schema_for(manifests: Manifests) -> None:
    scaled = manifests.get("ScaledObject", "inference")
    assert api_errors([scaled], KUBERNETES_VERSIONS[0]) == [
        f"ScaledObject/inference: no schema for keda.sh/v1alpha1 in Kubernetes {KUBERNETES_VERSIONS[0]}"
    ]


def kafka(scaled: Manifest) -> dict[str, Any]:
    """The metadata of a ScaledObject's first trigger."""
    metadata: dict[str, Any] = scaled["spec"]["triggers"][0]["metadata"]
    return metadata


MISTAKES: list[tuple[str, Any]] = [
    ("spec.maxReplicas", lambda so: so["spec"].update(maxReplicas=3)),
    ("spec.minReplicaCount as text", lambda so: so["spec"].update(minReplicaCount="1")),
    ("trigger without metadata", lambda so: so["spec"]["triggers"][0].pop("metadata")),
    ("lagThreshold as a number", lambda so: kafka(so).update(lagThreshold=5)),
    ("misspelt consumerGroup", lambda so: kafka(so).update(consumergroup="x")),
    ("offsetResetPolicy", lambda so: kafka(so).update(offsetResetPolicy="oldest")),
    ("brokers without port", lambda so: kafka(so).update(bootstrapServers="kafka")),
    (
        "partition limit with idle consumers",
        lambda so: kafka(so).update(limitToPartitionsWithLag="true", allowIdleConsumers="true"),
    ),
]


@pytest.mark.parametrize(("mistake", "apply"), MISTAKES, ids=[m for m, _ in MISTAKES])
def test_the_keda_check_rejects_mistakes(
    rendered: dict[str, Manifests],
    scaled_object_validator: jsonschema.Draft202012Validator,
    kafka_metadata_validator: jsonschema.Draft202012Validator,
    mistake: str,
    apply: Any,
) -> None:
    scaled = copy.deepcopy(rendered["production"].get("ScaledObject", "inference"))
    assert keda_errors(scaled, scaled_object_validator, kafka_metadata_validator) == []
    apply(scaled)
    assert keda_errors(scaled, scaled_object_validator, kafka_metadata_validator), mistake
