"""JSON-lines logging: one object per line, with bound context and ``extra`` fields."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from llmops.jsonlog import JsonFormatter, log_context, logging_dict_config


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """A logger that writes JSON lines to a string, isolated from pytest's own handlers."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter("testsvc"))
    logger = logging.getLogger("llmops.tests.jsonlog")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield buffer
    logger.handlers.clear()


def _log() -> logging.Logger:
    return logging.getLogger("llmops.tests.jsonlog")


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    text = buffer.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_one_json_object_per_line(stream: io.StringIO) -> None:
    _log().info("first line\nsecond line of the same message")
    _log().warning("pct %s%%", "50")
    lines = _lines(stream)
    assert len(lines) == 2
    assert lines[0]["msg"] == "first line\nsecond line of the same message"
    assert lines[1] == {
        "ts": lines[1]["ts"],
        "level": "warning",
        "service": "testsvc",
        "logger": "llmops.tests.jsonlog",
        "msg": "pct 50%",
    }


def test_bound_context_and_extra_fields(stream: io.StringIO) -> None:
    with log_context(request_id="req-1", tenant="acme", topic="llm.requests.v1", partition=3, offset=17):
        _log().info("handled", extra={"latency_ms": 1.5, "model": "chat-default"})
    _log().info("outside")
    inside, outside = _lines(stream)
    assert inside["request_id"] == "req-1"
    assert inside["tenant"] == "acme"
    assert (inside["topic"], inside["partition"], inside["offset"]) == ("llm.requests.v1", 3, 17)
    assert (inside["latency_ms"], inside["model"]) == (1.5, "chat-default")
    assert not {"request_id", "tenant", "topic", "latency_ms"} & outside.keys()


def test_extra_wins_over_context_and_non_json_values_become_strings(stream: io.StringIO) -> None:
    class Opaque:
        def __str__(self) -> str:
            return "opaque-value"

    with log_context(tenant="from-context"):
        _log().info("x", extra={"tenant": "from-extra", "thing": Opaque(), "raw": b"\x00"})
    (line,) = _lines(stream)
    assert line["tenant"] == "from-extra"
    assert line["thing"] == "opaque-value"
    assert isinstance(line["raw"], str)


def test_nested_contexts_merge_and_restore(stream: io.StringIO) -> None:
    with log_context(request_id="outer", tenant="acme"):
        _log().info("a")
        with log_context(request_id="inner", offset=5):
            _log().info("b")
        _log().info("c")
    _log().info("d")
    a, b, c, d = _lines(stream)
    assert (a["request_id"], a["tenant"], "offset" in a) == ("outer", "acme", False)
    assert (b["request_id"], b["tenant"], b["offset"]) == ("inner", "acme", 5)
    assert (c["request_id"], c["tenant"], "offset" in c) == ("outer", "acme", False)
    assert "request_id" not in d


def test_context_is_restored_when_the_block_raises(stream: io.StringIO) -> None:
    with pytest.raises(RuntimeError), log_context(request_id="doomed"):
        raise RuntimeError("boom")
    _log().info("after")
    assert "request_id" not in _lines(stream)[0]


async def test_context_is_task_local(stream: io.StringIO) -> None:
    async def handle(request_id: str, delay: float) -> None:
        with log_context(request_id=request_id):
            await asyncio.sleep(delay)
            _log().info("done")

    await asyncio.gather(handle("slow", 0.05), handle("fast", 0.0))
    assert [line["request_id"] for line in _lines(stream)] == ["fast", "slow"]


def test_exception_is_included(stream: io.StringIO) -> None:
    try:
        raise ValueError("bad value")
    except ValueError:
        _log().exception("failed")
    (line,) = _lines(stream)
    assert line["level"] == "error"
    assert "ValueError: bad value" in line["exc"]
    assert "Traceback" in line["exc"]


def test_timestamp_is_utc_with_milliseconds() -> None:
    record = logging.makeLogRecord(
        {"name": "t", "levelname": "INFO", "msg": "m", "created": 1_700_000_000.25, "msecs": 250.0}
    )
    line = json.loads(JsonFormatter("svc").format(record))
    assert line["ts"] == "2023-11-14T22:13:20.250Z"


def test_dict_config_uses_the_json_formatter() -> None:
    config = logging_dict_config("testsvc", "debug")
    assert config["formatters"]["json"] == {"()": JsonFormatter, "service": "testsvc"}
    assert config["root"]["level"] == "DEBUG"


def test_fields_set_by_other_formatters_do_not_leak(stream: io.StringIO) -> None:
    plain = logging.StreamHandler(io.StringIO())
    plain.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    _log().handlers.insert(0, plain)
    _log().info("hello")
    (line,) = _lines(stream)
    assert not {"message", "asctime"} & line.keys()
