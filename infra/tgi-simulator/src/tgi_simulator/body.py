"""Reading JSON request bodies with TGI's strictness about types.

TGI deserializes bodies with serde: a field of the wrong JSON type, or a missing
required field, is a 422 before any generation logic runs. These helpers do the same
for the untyped dicts ``orjson`` gives and return precisely typed values; ``null`` and
absence both mean "not given".
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from aiohttp import web

from tgi_simulator.errors import invalid_body

JsonObject = Mapping[str, object]


async def read_object(request: web.Request) -> JsonObject:
    """Parse the body as a JSON object.

    Raises:
        TgiError: 422 if the body is not JSON or not an object.
    """
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError as exc:
        raise invalid_body(str(exc)) from exc
    if not isinstance(body, dict):
        raise invalid_body(f"invalid type: {_kind(body)}, expected a JSON object")
    return body


def required_str(obj: JsonObject, key: str) -> str:
    """A string field that must be present."""
    value = opt_str(obj, key)
    if value is None:
        raise invalid_body(f"missing field `{key}`")
    return value


def opt_str(obj: JsonObject, key: str) -> str | None:
    """An optional string field."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _wrong(key, value, "a string")


def opt_int(obj: JsonObject, key: str) -> int | None:
    """An optional integer field (booleans and floats are rejected, as serde does)."""
    value = obj.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _wrong(key, value, "an integer")


def opt_float(obj: JsonObject, key: str) -> float | None:
    """An optional number field (integers are accepted)."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise _wrong(key, value, "a number")


def opt_bool(obj: JsonObject, key: str) -> bool | None:
    """An optional boolean field."""
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _wrong(key, value, "a boolean")


def opt_object(obj: JsonObject, key: str) -> JsonObject | None:
    """An optional nested object."""
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise _wrong(key, value, "a JSON object")


def str_list(obj: JsonObject, key: str, *, allow_single: bool = False) -> tuple[str, ...]:
    """A list of strings (empty if absent); ``allow_single`` also takes one bare string."""
    value = obj.get(key)
    if value is None:
        return ()
    if allow_single and isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _wrong(key, value, "a list of strings")


def _wrong(key: str, value: object, expected: str) -> Exception:
    return invalid_body(f"{key}: invalid type: {_kind(value)}, expected {expected}")


def _kind(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "sequence", dict: "map"}
    return names.get(type(value), type(value).__name__)
