"""Policy files: the default loads, tenants override, and every kind of mistake names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrails.policy import DEFAULT_POLICY, load_policy, parse_policy
from guardrails.policy_model import Moderation, OnError
from llmops.errors import ConfigurationError

GOOD = """\
version: "7"
default:
  block_message: Nope.
  input:
    - scanner: pii_email
  output:
    - scanner: toxicity
tenants:
  acme:
    moderation: paraphrase
    on_error: fail_open
    output:
      - scanner: banned_terms
        category: competitor
        terms: [Globex]
"""


def test_default_policy_file_loads() -> None:
    policy = load_policy(DEFAULT_POLICY)

    assert policy.version
    names = [s.name for s in policy.default.input_chain.scanners]
    assert names[0] == "length_limit"
    assert {"pii_email", "secrets", "prompt_injection"} <= set(names)


def test_tenant_overrides_replace_keys_and_keep_the_rest() -> None:
    policy = parse_policy(GOOD)
    acme = policy.for_tenant("acme")

    assert policy.version == "7"
    assert acme.moderation is Moderation.PARAPHRASE
    assert acme.block_message == "Nope."
    assert acme.output_chain.on_error is OnError.FAIL_OPEN
    assert [s.name for s in acme.input_chain.scanners] == ["pii_email"]
    assert [s.name for s in acme.output_chain.scanners] == ["banned_terms:competitor"]
    assert policy.for_tenant("someone-else") is policy.default


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("version: 1\ndefault:\n  input:\n    - scanner: pii_email\n   bad: [", r"<policy>:5: invalid YAML"),
        ("default: {}\n", r"<policy>:1: version: Field required"),
        ("version: 1\ndefault:\n  input:\n    - scanner: nope\n", r"<policy>:4: unknown scanner 'nope'"),
        (
            "version: 1\ndefault:\n  output:\n    - scanner: toxicity\n"
            "    - scanner: length_limit\n      max_chars: 0\n",
            r"<policy>:5: scanner 'length_limit': max_chars must be positive",
        ),
        (
            "version: 1\ndefault:\n  input:\n    - scanner: pii_email\n      colour: red\n",
            r"<policy>:4: scanner 'pii_email': .*unexpected keyword argument 'colour'",
        ),
        (
            "version: 1\ndefault:\n  timeout_ms: -5\n",
            r"<policy>:3: default.timeout_ms: Input should be greater than 0",
        ),
        ("version: 1\ndefault:\n  on_error: maybe\n", r"<policy>:3: default.on_error: Input should be"),
        (
            "version: 1\ndefault:\n  input:\n    - scanner: pii_email\n      action: explode\n",
            r"<policy>:5: .*action",
        ),
        ("version: 1\ndefault: {}\nextra: 1\n", r"<policy>:3: extra: Extra inputs are not permitted"),
        (
            "version: 1\ndefault: {}\ntenants:\n  acme:\n    moderation: shout\n",
            r"<policy>:5: tenants.acme.moderation: Input should be",
        ),
    ],
)
def test_bad_policy_names_line_and_reason(source: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_policy(source)


def test_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.yaml")


def test_service_refuses_to_start_with_a_bad_policy(tmp_path: Path) -> None:
    from guardrails.pipeline import build
    from guardrails.settings import GuardrailsSettings
    from llmops.settings import Environment

    bad = tmp_path / "policy.yaml"
    bad.write_text("version: 1\ndefault:\n  input:\n    - scanner: nope\n")
    settings = GuardrailsSettings(
        kafka_bootstrap="127.0.0.1:1", environment=Environment.LOCAL, policy_file=bad
    )

    with pytest.raises(ConfigurationError, match=r"policy.yaml:4: unknown scanner"):
        build(settings)
