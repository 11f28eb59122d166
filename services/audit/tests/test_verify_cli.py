"""``llmops audit verify`` refuses a bad range with one line and exit code 2, before any connection."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmops.cli.main import app


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2x"], "invalid age '2x'"),
        (["--since", "2126-01-01T00:00Z"], "is in the future"),
        (["--settle", "1h30"], "invalid age '1h30'"),
    ],
)
def test_a_bad_range_is_refused(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["audit", "verify", *args, "--es-url", "http://127.0.0.1:1"])
    assert result.exit_code == 2
    assert message in result.output
