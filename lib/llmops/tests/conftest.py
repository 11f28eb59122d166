"""Fixtures shared by the llmops library tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmops.codec import AvroCodec
from llmops.schema_store import SchemaStore

REPO_SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


@pytest.fixture(scope="session")
def store() -> SchemaStore:
    return SchemaStore.load(REPO_SCHEMAS)


@pytest.fixture(scope="session")
def codec(store: SchemaStore) -> AvroCodec:
    return AvroCodec(store)
