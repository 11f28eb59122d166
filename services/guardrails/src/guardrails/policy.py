"""Load a per-tenant policy file (YAML) into ready scanner chains, or fail with the line and reason.

Everything that can be wrong with a policy (YAML syntax, unknown keys, bad values, unknown
scanners, options a scanner does not take) is found here, at start-up, and reported as
``file:line: reason``, so a bad deploy never reaches the first message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from guardrails.chain import ScannerChain
from guardrails.policy_model import Moderation, PolicyFile, ScannerSpec, TenantPolicy
from guardrails.registry import REGISTRY, create_scanner
from llmops.errors import ConfigurationError

DEFAULT_POLICY = Path(__file__).with_name("default_policy.yaml")


@dataclass(frozen=True)
class TenantRules:
    """What the guard applies to one tenant's traffic."""

    input_chain: ScannerChain
    output_chain: ScannerChain
    block_message: str
    moderation: Moderation
    rewrite_instruction: str


@dataclass(frozen=True)
class Policy:
    """A loaded policy: its version, the default rules and each tenant's rules."""

    version: str
    default: TenantRules
    tenants: dict[str, TenantRules]

    def for_tenant(self, tenant: str) -> TenantRules:
        """The tenant's rules, or the default ones."""
        return self.tenants.get(tenant, self.default)


def load_policy(path: Path = DEFAULT_POLICY) -> Policy:
    """Read, validate and build the policy at ``path``.

    Raises:
        ConfigurationError: The file is missing or invalid; the message names the line.
    """
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read policy file: {exc.strerror}") from exc
    return parse_policy(source, str(path))


def parse_policy(source: str, name: str = "<policy>") -> Policy:
    """Validate and build a policy from YAML text (see :func:`load_policy`)."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigurationError(f"{name}:{line}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    locate = _Locator(name, root)
    try:
        parsed = PolicyFile.model_validate(data)
    except ValidationError as exc:
        raise locate.error(exc, ()) from exc
    default = _rules(parsed.default, ("default",), locate)
    tenants = {}
    for tenant, override in parsed.tenants.items():
        try:
            merged = TenantPolicy.model_validate(
                {**parsed.default.model_dump(exclude_unset=True), **override}
            )
        except ValidationError as exc:
            raise locate.error(exc, ("tenants", tenant)) from exc
        tenants[tenant] = _rules(
            merged, ("tenants", tenant) if {"input", "output"} & set(override) else ("default",), locate
        )
    return Policy(parsed.version, default, tenants)


def _rules(policy: TenantPolicy, where: tuple[str, ...], locate: _Locator) -> TenantRules:
    chains = {}
    for stage, specs in (("input", policy.input), ("output", policy.output)):
        scanners = [_scanner(spec, (*where, stage, index), locate) for index, spec in enumerate(specs)]
        chains[stage] = ScannerChain(stage, scanners, policy.timeout_ms / 1000, policy.on_error)
    return TenantRules(
        chains["input"], chains["output"], policy.block_message, policy.moderation, policy.rewrite_instruction
    )


def _scanner(spec: ScannerSpec, path: tuple[str | int, ...], locate: _Locator) -> Any:
    if spec.scanner not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise locate.at(path, f"unknown scanner {spec.scanner!r} (known: {known})")
    try:
        return create_scanner(spec.scanner, spec.options())
    except (TypeError, ValueError) as exc:
        raise locate.at(path, f"scanner {spec.scanner!r}: {exc}") from exc


class _Locator:
    """Finds the line of a path (keys and list indexes) in the composed YAML tree."""

    def __init__(self, name: str, root: yaml.Node | None) -> None:
        self.name = name
        self.root = root

    def line(self, path: Sequence[str | int]) -> int:
        node = self.root
        line = node.start_mark.line + 1 if node is not None else 1
        for part in path:
            node = _child(node, part)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def at(self, path: Sequence[str | int], reason: str) -> ConfigurationError:
        return ConfigurationError(f"{self.name}:{self.line(path)}: {reason}")

    def error(self, exc: ValidationError, prefix: tuple[str, ...]) -> ConfigurationError:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        where = ".".join(str(p) for p in (*prefix, *loc)) or "top level"
        return self.at((*prefix, *loc), f"{where}: {first['msg']}")


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None
