"""``python -m audit``: run the audit worker."""

from audit.pipeline import build
from audit.settings import AuditSettings
from llmops.entrypoint import run_service

if __name__ == "__main__":
    run_service("audit", AuditSettings, build)
