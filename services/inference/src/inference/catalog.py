"""The model catalog: which versions serve each model alias, where, and at what price.

Callers name an *alias* (``llama-3.1-8b``); the catalog maps it to one or more
*versions*, each an exact model (id and revision) behind one endpoint, with its API
kind, its price and its token limits. Routing reads the catalog only through the small
:class:`ModelCatalog` protocol, so a model registry (MLflow's, for instance) can back it
later; :mod:`inference.catalog_file` loads it from a versioned YAML file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from llmops.events import ModelLineage


class BackendKind(StrEnum):
    """The HTTP API a model server speaks."""

    TGI = "tgi"
    """HuggingFace TGI: ``POST /`` (text generation with details) and ``/v1/chat/completions``."""
    OPENAI = "openai"
    """OpenAI-compatible servers (vLLM, SGLang, TGI's ``/v1``): ``/v1/completions`` and chat."""


@dataclass(frozen=True)
class ModelVersion:
    """One deployable version of a model alias.

    Attributes:
        alias: The name callers use.
        version: Catalog version of this alias (``"3"``).
        model_id: Upstream model id (``meta-llama/Llama-3.1-8B-Instruct``).
        revision: Upstream revision (commit) of the weights.
        endpoint: Base URL of the server that serves it.
        backend: API kind of that server.
        weight: Share of the alias's traffic, relative to the other versions' weights.
        canary: True for a version being rolled out (completions say so).
        input_price_per_1k: Price of 1,000 input tokens, in USD.
        output_price_per_1k: Price of 1,000 output tokens, in USD.
        max_input_tokens: Longest prompt the version accepts.
        max_output_tokens: Most tokens one request may generate (requests are capped to it).
        max_in_flight: Calls this worker keeps open to the endpoint at most.
    """

    alias: str
    version: str
    model_id: str
    revision: str
    endpoint: str
    backend: BackendKind
    weight: float
    canary: bool
    input_price_per_1k: float
    output_price_per_1k: float
    max_input_tokens: int
    max_output_tokens: int
    max_in_flight: int

    def lineage(self) -> ModelLineage:
        """What a completion records about the model that answered."""
        return ModelLineage(
            alias=self.alias,
            version=self.version,
            model_id=self.model_id,
            revision=self.revision,
            endpoint=self.endpoint,
            backend=self.backend.value,
            canary=self.canary,
        )

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        """Price of one call: tokens times this version's prices."""
        return (input_tokens * self.input_price_per_1k + output_tokens * self.output_price_per_1k) / 1000.0


@dataclass(frozen=True)
class ModelAlias:
    """An alias, its versions and where its load goes when it cannot serve.

    Attributes:
        name: The alias.
        versions: Its versions, in catalog order (weights > 0 share the traffic).
        fallback: Alias of the small model serving its overflow, if any.
    """

    name: str
    versions: Sequence[ModelVersion]
    fallback: str | None


class ModelCatalog(Protocol):
    """What routing needs from a catalog (a YAML file today, a model registry later)."""

    @property
    def catalog_version(self) -> str:
        """Version of the catalog contents (for logs and audits)."""
        ...

    def alias(self, name: str) -> ModelAlias | None:
        """The alias called ``name``, or ``None`` if the catalog has none."""
        ...

    def aliases(self) -> Sequence[str]:
        """Every alias, in catalog order."""
        ...

    def versions(self) -> Sequence[ModelVersion]:
        """Every version of every alias."""
        ...
