"""The golden prompt set of the sanity check: prompts with the guardrail outcome each must get."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from llmops.errors import ConfigurationError


@dataclass(frozen=True)
class GoldenPrompt:
    """One probe: its prompt and the guardrail actions that count as correct."""

    id: str
    language: str
    prompt: str
    expect_actions: tuple[str, ...]


@dataclass(frozen=True)
class GoldenSet:
    """A versioned list of probes."""

    version: str
    prompts: tuple[GoldenPrompt, ...]


def load_golden_set(path: Path | None = None) -> GoldenSet:
    """Read a golden set (the packaged one by default).

    Raises:
        ConfigurationError: When the file is missing or malformed.
    """
    try:
        text = (
            path.read_text() if path else resources.files("drift").joinpath("golden_prompts.json").read_text()
        )
        data = json.loads(text)
        prompts = tuple(
            GoldenPrompt(p["id"], p["language"], p["prompt"], tuple(p["expect_actions"]))
            for p in data["prompts"]
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f"golden prompt set {path or 'drift/golden_prompts.json'} unreadable: {exc}"
        ) from exc
    version = str(data.get("version") or hashlib.sha256(text.encode()).hexdigest()[:12])
    return GoldenSet(version, prompts)
