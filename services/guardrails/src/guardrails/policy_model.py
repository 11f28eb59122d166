"""The shape of a policy file, validated by pydantic (line numbers are added by :mod:`guardrails.policy`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guardrails.scanner import Action


class OnError(StrEnum):
    """What a scanner that raises or overruns its timeout means for the text."""

    FAIL_OPEN = "fail_open"  # skip the scanner's verdict, record a finding
    FAIL_CLOSED = "fail_closed"  # block the text


class Moderation(StrEnum):
    """What a flagged output (toxic, self-harm, banned term) leads to."""

    BLOCK = "block"  # block at once
    PARAPHRASE = "paraphrase"  # send back once through inference with a rewrite instruction, re-scan


class ScannerSpec(BaseModel):
    """One entry of a chain: the scanner's registry name, an optional action and its options."""

    model_config = ConfigDict(extra="allow", frozen=True)

    scanner: str
    action: Action | None = None

    def options(self) -> dict[str, Any]:
        """Keyword arguments for the scanner class."""
        extra = dict(self.model_extra or {})
        if self.action is not None:
            extra["action"] = self.action
        return extra


class TenantPolicy(BaseModel):
    """The whole policy of one tenant (the file's ``default`` or a tenant's override merged on it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    block_message: str = Field(default="This response was blocked by the content policy.", min_length=1)
    timeout_ms: float = Field(default=50.0, gt=0)
    on_error: OnError = OnError.FAIL_CLOSED
    moderation: Moderation = Moderation.BLOCK
    rewrite_instruction: str = Field(
        default=(
            "Rewrite the following text so that it is polite, contains no insults, threats, "
            "self-harm encouragement or banned topics, and keeps its meaning. "
            "Reply with the rewritten text only."
        ),
        min_length=1,
    )
    input: list[ScannerSpec] = Field(default_factory=list)
    output: list[ScannerSpec] = Field(default_factory=list)


class PolicyFile(BaseModel):
    """A policy file: a version, the default policy, and per-tenant overrides of its top-level keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    default: TenantPolicy
    tenants: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        """``version: 3`` and ``version: 2025.11`` are versions too (YAML reads them as numbers)."""
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
