"""The topic map (``llmops.topics``), ``schemas/`` and ARCHITECTURE.md's topic table agree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from llmops import topics
from llmops.schema_store import SchemaStore
from llmops.topics import ALL_TOPICS, TopicSpec

REPO_ROOT = Path(__file__).resolve().parents[2]
# CI checks the repository out with shared/ beside it.
ARCHITECTURE_MD = REPO_ROOT.parent / "shared" / "ARCHITECTURE.md"
TOPIC_NAME = re.compile(r"^llm\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$")
TABLE_HEADER = ["topic", "key", "produced by", "consumed by", "carries"]
EVERY_CONSUMER = "every consumer"
PLATFORM_SERVICES = frozenset(
    p.name for p in (REPO_ROOT / "services").iterdir() if (p / "pyproject.toml").is_file()
)


@dataclass(frozen=True)
class TableRow:
    """One row of ARCHITECTURE.md's "Topics and contracts" table."""

    key: str
    producers: frozenset[str]
    consumers: frozenset[str]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _parties(cell: str) -> frozenset[str]:
    """``ops (`llmops tail`, replay)`` -> {"ops"}; ``gateway, backend services`` -> both."""
    without_notes = re.sub(r"\([^)]*\)", "", cell)
    return frozenset(part.strip().strip("`") for part in without_notes.split(",") if part.strip())


def parse_topic_table(markdown: str) -> dict[str, TableRow]:
    """Return the rows of the markdown table whose header is :data:`TABLE_HEADER`, by topic."""
    lines = markdown.splitlines()
    headers = [
        index
        for index, line in enumerate(lines)
        if line.lstrip().startswith("|") and [c.lower() for c in _cells(line)] == TABLE_HEADER
    ]
    assert headers, f"no table with header {TABLE_HEADER} in ARCHITECTURE.md"
    start = headers[0]
    rows: dict[str, TableRow] = {}
    for line in lines[start + 2 :]:
        if not line.lstrip().startswith("|"):
            break
        topic, key, produced, consumed, _ = _cells(line)
        rows[topic.strip("`")] = TableRow(key.strip("`"), _parties(produced), _parties(consumed))
    return rows


def _expand(parties: frozenset[str]) -> frozenset[str]:
    """Replace "every consumer" with the platform services that consume some topic."""
    if EVERY_CONSUMER not in parties:
        return parties
    consumers = {s for s in PLATFORM_SERVICES if topics.consumed_by(s)}
    return (parties - {EVERY_CONSUMER}) | consumers


def _architecture_rows() -> dict[str, TableRow]:
    if not ARCHITECTURE_MD.is_file():
        pytest.skip(f"{ARCHITECTURE_MD} not found (CI checks shared/ out beside the repository)")
    return parse_topic_table(ARCHITECTURE_MD.read_text(encoding="utf-8"))


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_topic_name_is_versioned(spec: TopicSpec) -> None:
    assert TOPIC_NAME.match(spec.name), f"{spec.name} must look like llm.<name>.v<N>"


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_topic_has_partitions_producers_and_consumers(spec: TopicSpec) -> None:
    assert spec.partitions > 0
    assert spec.producers, f"{spec.name} has no producer"
    assert spec.consumers, f"{spec.name} has no consumer"
    assert spec.key


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_topic_schema_exists(spec: TopicSpec, store: SchemaStore) -> None:
    assert spec.schema in store.names(), f"{spec.name} names schema {spec.schema!r}, absent from schemas/"


def test_every_schema_is_carried_by_a_topic(store: SchemaStore) -> None:
    unused = store.names() - {t.schema for t in ALL_TOPICS}
    assert unused == set(), f"schemas no topic carries: {sorted(unused)}"


def test_topic_names_are_unique_and_indexed() -> None:
    assert len({t.name for t in ALL_TOPICS}) == len(ALL_TOPICS)
    assert {t.name: t for t in ALL_TOPICS} == topics.BY_NAME
    for spec in ALL_TOPICS:
        assert topics.topic(spec.name) is spec


def test_unknown_topic_lookup_names_the_known_topics() -> None:
    with pytest.raises(KeyError, match=r"llm\.requests\.v1"):
        topics.topic("llm.nope.v1")


@pytest.mark.parametrize("service", sorted(PLATFORM_SERVICES))
def test_every_platform_service_reads_and_writes_some_topic(service: str) -> None:
    assert topics.consumed_by(service), f"{service} consumes no topic in the topic map"
    assert topics.produced_by(service), f"{service} produces no topic in the topic map"


def test_topic_map_has_exactly_the_architecture_topics() -> None:
    rows = _architecture_rows()
    assert len(rows) == 6, f"ARCHITECTURE.md's table should list six topics, found {sorted(rows)}"
    assert {t.name for t in ALL_TOPICS} == set(rows)


# Where the code refined the picture, the refinement is listed here (and in the README's
# topic table), so a drift between code and ARCHITECTURE.md is always deliberate.
REFINEMENTS: dict[str, set[str]] = {
    # guardrails' paraphrase mode sends one rewrite request back through inference
    "llm.requests.v1": {"guardrails"},
}


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_topic_matches_its_architecture_row(spec: TopicSpec) -> None:
    row = _architecture_rows().get(spec.name)
    assert row is not None, f"{spec.name} is missing from ARCHITECTURE.md's table"
    assert spec.key == row.key
    assert set(spec.producers) == _expand(row.producers) | REFINEMENTS.get(spec.name, set())
    assert set(spec.consumers) == _expand(row.consumers)


def test_table_parser_reads_notes_lists_and_every_consumer() -> None:
    markdown = "\n".join(
        [
            "| topic | key | produced by | consumed by | carries |",
            "|---|---|---|---|---|",
            "| `llm.a.v1` | id | gateway, backend services | x (`tool`, replay) | stuff, more |",
            "| `llm.b.v2` | source key | every consumer | ops | y |",
            "",
            "| topic | other |",
        ]
    )
    rows = parse_topic_table(markdown)
    assert rows == {
        "llm.a.v1": TableRow("id", frozenset({"gateway", "backend services"}), frozenset({"x"})),
        "llm.b.v2": TableRow("source key", frozenset({EVERY_CONSUMER}), frozenset({"ops"})),
    }
    expanded = _expand(frozenset({EVERY_CONSUMER, "ops"}))
    assert "ops" in expanded
    assert EVERY_CONSUMER not in expanded
    assert expanded - {"ops"}, "every consumer must expand to at least one platform service"
    assert expanded - {"ops"} <= PLATFORM_SERVICES
