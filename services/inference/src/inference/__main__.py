"""``python -m inference``: run the inference worker."""

from inference.pipeline import build
from inference.settings import InferenceSettings
from llmops.entrypoint import run_service

if __name__ == "__main__":
    run_service("inference", InferenceSettings, build)
