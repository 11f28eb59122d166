"""The hash chain: deterministic, and any change to a record or its order is visible."""

from __future__ import annotations

import copy

import pytest

from audit.chain import GENESIS, ChainHead, head_of, record_hash, seal


def _chain(n: int) -> list[dict[str, object]]:
    head, records = ChainHead(), []
    for i in range(n):
        record = seal(
            {"request_id": f"r{i}", "cost_usd": 0.1 * i, "nested": {"b": 1, "a": [i]}}, 2, head, 1000 + i
        )
        head = head_of(record)
        records.append(record)
    return records


def test_chain_links_each_record_to_its_predecessor() -> None:
    records = _chain(3)

    assert [r["chain"]["seq"] for r in records] == [1, 2, 3]  # type: ignore[index]
    assert records[0]["chain"]["prev_hash"] == GENESIS  # type: ignore[index]
    assert records[1]["chain"]["prev_hash"] == records[0]["chain"]["hash"]  # type: ignore[index]
    assert all(record_hash(r) == r["chain"]["hash"] for r in records)  # type: ignore[index]


def test_hash_ignores_key_order() -> None:
    (record,) = _chain(1)
    reordered = dict(reversed(list(record.items())))

    assert record_hash(reordered) == record["chain"]["hash"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("path", "value"),
    [(("request_id",), "r9"), (("cost_usd",), 1.5), (("nested", "a"), [7]), (("chain", "seq"), 5)],
)
def test_any_change_breaks_the_hash(path: tuple[str, ...], value: object) -> None:
    (record,) = _chain(1)
    changed = copy.deepcopy(record)
    target = changed
    for key in path[:-1]:
        target = target[key]  # type: ignore[assignment]
    target[path[-1]] = value

    assert record_hash(changed) != record["chain"]["hash"]  # type: ignore[index]
