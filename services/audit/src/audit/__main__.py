"""``python -m audit``: run the audit worker."""

from audit.gc_tuning import tune_for_streaming
from audit.pipeline import build
from audit.settings import AuditSettings
from llmops.entrypoint import run_service

if __name__ == "__main__":
    tune_for_streaming()
    run_service("audit", AuditSettings, build)
