"""Lua scripts run by SHA, loaded once and reloaded if Redis forgets them.

redis-py's ``Script`` objects check ``SCRIPT EXISTS`` on every pipeline execution,
an extra round trip on the hot path; these call ``EVALSHA`` directly.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError


class LuaScript:
    """One script of ``gateway/lua``.

    Args:
        name: File name without ``.lua``.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.source = resources.files("gateway").joinpath("lua", f"{name}.lua").read_text()
        self.sha = hashlib.sha1(self.source.encode()).hexdigest()

    async def __call__(self, client: aioredis.Redis, keys: list[str], args: list[Any]) -> Any:
        """Run the script, loading it first when the server does not know it."""
        try:
            return await client.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            await client.script_load(self.source)
            return await client.evalsha(self.sha, len(keys), *keys, *args)

    def queue(self, pipe: aioredis.client.Pipeline, keys: list[str], args: list[Any]) -> None:
        """Queue the script on a pipeline (call :meth:`load` after a ``NoScriptError``)."""
        pipe.evalsha(self.sha, len(keys), *keys, *args)

    async def load(self, client: aioredis.Redis) -> None:
        """Make sure the server knows the script."""
        await client.script_load(self.source)
