"""Structured JSON-lines logging with per-event context.

Every line is one JSON object with time, level, service, logger and message, plus the
context bound with :func:`log_context` (request_id, tenant, topic, partition, offset),
so one request can be followed across services with a single filter.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

_context: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("llmops_log_context", default={})  # noqa: B039
_RESERVED = {*vars(logging.makeLogRecord({})), "message", "asctime"}


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Bind fields to every log line emitted inside the block (task-local)."""
    token = _context.set({**_context.get(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    """Format records as one JSON object per line."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """Render the record, its bound context and any ``extra`` fields."""
        line: dict[str, Any] = dict(_context.get())
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        line |= {  # the base fields always win over context and extras
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


JsonFormatter.converter = time.gmtime


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's output to stderr as JSON lines (call once, from an entry point)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "faust", "mode", "elastic_transport", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def logging_dict_config(service: str, level: str = "INFO") -> dict[str, Any]:
    """Return a ``logging.config.dictConfig`` equivalent of :func:`configure_logging` (for faust workers)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter, "service": service}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            name: {"level": "WARNING"} for name in ("aiokafka", "faust", "mode", "elastic_transport", "httpx")
        },
    }
