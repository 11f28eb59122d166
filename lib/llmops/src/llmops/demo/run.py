"""``llmops demo``: start the stack, send the corpus, check audit and metrics, stop the stack."""

from __future__ import annotations

import asyncio

from llmops.demo.evidence import count_audit_records, prometheus_value
from llmops.demo.summary import DemoReport
from llmops.demo.traffic import send_corpus
from llmops.localstack.components import HOST, StackConfig
from llmops.localstack.stack import LocalStack


def run_demo(config: StackConfig, model: str = "llama-3.1-8b", keep_running: bool = False) -> DemoReport:
    """Run the demo end to end on fresh data and return its report.

    The demo's run directory starts empty every time (data of an older run, or an older
    version of the platform, must not change the result); the stack is stopped at the end
    unless ``keep_running``.
    """
    stack = LocalStack(config)
    stack.reset_data()
    stack.up()
    try:
        return asyncio.run(_exercise(config, model))
    finally:
        if not keep_running:
            stack.down()


async def _exercise(config: StackConfig, model: str) -> DemoReport:
    p = config.ports
    urls = {
        "gateway (OpenAI API)": f"http://{HOST}:{p.gateway}/v1/chat/completions",
        "gateway OpenAPI": f"http://{HOST}:{p.gateway}/docs",
        "prometheus": f"http://{HOST}:{p.prometheus}",
        "elasticsearch": f"http://{HOST}:{p.elasticsearch}/llmops-audit/_search",
        "service metrics": f"http://{HOST}:{p.gateway}/metrics (gateway), :{p.inference}..:{p.audit}/metrics",
        "logs": str(config.run_dir / "logs"),
    }
    outcomes = await send_corpus(f"http://{HOST}:{p.gateway}", model)
    ids = [o.request_id for o in outcomes if o.request_id]
    audit = await count_audit_records(f"http://{HOST}:{p.elasticsearch}", "llmops-audit", ids) if ids else 0
    scraped = await prometheus_value(f"http://{HOST}:{p.prometheus}", "sum(llmops_gateway_requests_total)")
    return DemoReport(outcomes, audit, scraped, urls)
