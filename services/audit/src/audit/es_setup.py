"""Start-up and housekeeping calls to Elasticsearch: template, ILM policy, retention.

Library errors are converted at this boundary: an unreachable or overloaded server is
:class:`~llmops.errors.DependencyUnavailable` (retry later), a refused template is a
:class:`~llmops.errors.ConfigurationError` (fix the deployment).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from elasticsearch import ApiError, AsyncElasticsearch, TransportError

from audit.indices import AuditIndices, Capabilities, detect_capabilities
from llmops.errors import ConfigurationError, DependencyUnavailable

log = logging.getLogger(__name__)


async def install(client: AsyncElasticsearch, indices: AuditIndices, endpoint: str) -> Capabilities:
    """Detect the server's features, then install the ILM policy (if any) and the template.

    Idempotent: run at every start-up, so a changed mapping or retention takes effect
    for the next daily index.
    """
    try:
        capabilities = await detect_capabilities(client)
        if capabilities.ilm:
            await client.ilm.put_lifecycle(name=indices.policy_name, policy=indices.policy())
        await client.indices.put_index_template(name=indices.policy_name, **indices.template(capabilities))
    except TransportError as exc:
        raise DependencyUnavailable("elasticsearch", endpoint, str(exc)) from exc
    except ApiError as exc:
        if exc.meta.status == 429 or exc.meta.status >= 500:
            raise DependencyUnavailable("elasticsearch", endpoint, f"answered {exc.meta.status}") from exc
        raise ConfigurationError(f"elasticsearch refused the audit index template: {exc}") from exc
    log.info(
        "audit indices ready",
        extra={
            "layout": "daily indices behind an alias",
            "alias": indices.alias,
            "retention_days": indices.retention_days,
            "retention_by": capabilities.retention_mode,
            "ilm": capabilities.ilm,
            "data_streams": capabilities.data_streams,
        },
    )
    return capabilities


async def enforce_retention(client: AsyncElasticsearch, indices: AuditIndices, now: datetime) -> list[str]:
    """Delete the daily indices older than the retention; return their names.

    Used only where the server has no ILM. Failures are logged and retried at the next
    run: retention is housekeeping and must never stop the audit trail.
    """
    try:
        rows = await client.cat.indices(index=indices.pattern, format="json", h="index")
        names = [str(row["index"]) for row in cast(list[dict[str, Any]], rows.body)]
        expired = indices.expired(names, now)
        for name in expired:
            await client.indices.delete(index=name)
            log.info("deleted expired audit index", extra={"index": name})
    except (ApiError, TransportError) as exc:
        log.warning("retention run failed, will retry", extra={"error": str(exc)})
        return []
    return expired
