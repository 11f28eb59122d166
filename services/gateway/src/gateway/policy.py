"""Per-tenant limits: daily quotas, per-minute rate limits, and what to do over a limit."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TenantPolicy(BaseModel):
    """Limits of one tenant; 0 means unlimited.

    Attributes:
        requests_per_day: Requests admitted per UTC day.
        tokens_per_day: Tokens per UTC day (``max_tokens`` reserved at admission, reconciled
            with the real usage when the response arrives).
        requests_per_minute: Sustained request rate (token bucket, burst = one minute's worth).
        tokens_per_minute: Sustained token rate, same shape.
        over_rate_limit: ``reject`` answers 429; ``fallback`` admits the request flagged for
            the fallback model instead. Daily quotas are billing limits and always answer 429.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    requests_per_day: int = Field(default=0, ge=0)
    tokens_per_day: int = Field(default=0, ge=0)
    requests_per_minute: int = Field(default=0, ge=0)
    tokens_per_minute: int = Field(default=0, ge=0)
    over_rate_limit: Literal["reject", "fallback"] = "reject"
