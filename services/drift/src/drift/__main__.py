"""``python -m drift``: run the drift worker."""

from drift.pipeline import build
from drift.settings import DriftSettings
from llmops.entrypoint import run_service

if __name__ == "__main__":
    run_service("drift", DriftSettings, build)
