"""``python -m guardrails``: run the guardrails worker."""

from guardrails.pipeline import build
from guardrails.settings import GuardrailsSettings
from llmops.entrypoint import run_service

if __name__ == "__main__":
    run_service("guardrails", GuardrailsSettings, build)
