"""Settings of the drift service (env prefix ``DRIFT_``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class DriftSettings(ServiceSettings):
    """Drift settings.

    Attributes:
        redis_url: Redis holding reference baselines and recent windows.
        window_s: Length of the tumbling windows.
        grace_s: How long a window waits for late events after its end.
        per_tenant: Keep windows and baselines per tenant as well as per model version.
        sample_capacity: Events kept per stream per window (uniform reservoir).
        min_samples: Events needed on both sides before a feature gets a verdict.
        false_alarm_rate: Probability that a window without drift is flagged (all tests together).
        null_draws: Resamples/permutations simulating each statistic's null distribution.
        thresholds: Fixed thresholds per test name (``{"psi": 0.2}``) replacing the calibrated ones.
        embedding: ``hashing`` (default, fast) or ``minilm`` (needs the ``drift[minilm]`` extra).
        embedding_dimension: Buckets of the hashing embedding.
        baseline_mode: ``first_window`` adopts the first large-enough window as baseline;
            ``manual`` waits for ``llmops drift baseline load/promote``.
        window_ttl_s: How long closed windows are kept in Redis for promotion.
        retrain_after_windows: Consecutive drifted windows that trigger retraining.
        retrain_cooldown_s: Minimum time between two triggers for one model version.
        close_check_s: How often the wall clock closes windows of quiet streams.
        sanity_cron: Cron schedule (UTC) of the golden-set sanity check; empty disables it.
        sanity_timeout_s: How long the sanity check waits for answers.
        sanity_latency_objective_ms: Latency objective each golden answer must meet.
        sanity_model: Model alias the golden prompts are sent to.
    """

    model_config = SettingsConfigDict(env_prefix="DRIFT_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "drift"

    http_port: int = 8083
    redis_url: str
    window_s: int = Field(default=3600, gt=0)
    grace_s: int = Field(default=60, ge=0)
    per_tenant: bool = False
    sample_capacity: int = Field(default=2000, gt=0)
    min_samples: int = Field(default=100, gt=1)
    false_alarm_rate: float = Field(default=0.05, gt=0, lt=1)
    null_draws: int = Field(default=200, ge=20)
    thresholds: dict[str, float] = Field(default_factory=dict)
    embedding: Literal["hashing", "minilm"] = "hashing"
    embedding_dimension: int = Field(default=256, gt=0)
    baseline_mode: Literal["first_window", "manual"] = "first_window"
    window_ttl_s: int = Field(default=7 * 24 * 3600, gt=0)
    retrain_after_windows: int = Field(default=3, gt=0)
    retrain_cooldown_s: int = Field(default=24 * 3600, ge=0)
    close_check_s: float = Field(default=5.0, gt=0)
    sanity_cron: str = "0 3 * * *"
    sanity_timeout_s: float = Field(default=60.0, gt=0)
    sanity_latency_objective_ms: float = Field(default=5000.0, gt=0)
    sanity_model: str = "llama-3.1-8b"
