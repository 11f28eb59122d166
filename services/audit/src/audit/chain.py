r"""Tamper evidence: each record's hash is chained to the previous record of its partition.

``chain.hash = sha256(prev_hash + "\\n" + canonical JSON of the record without chain.hash)``
where the canonical form is JSON with sorted keys (orjson). Changing a record breaks its
own hash; deleting one leaves a gap in ``chain.seq``; recomputing a changed record's hash
breaks the next record's ``prev_hash``. The chain head of each partition lives in the
join table (and its changelog), so a restart continues the chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

GENESIS = "0" * 64
"""``prev_hash`` of the first record of a partition."""


@dataclass(frozen=True)
class ChainHead:
    """The last sealed record of one partition.

    Attributes:
        seq: Its sequence number (the first record has 1).
        hash: Its chain hash.
    """

    seq: int = 0
    hash: str = GENESIS


def record_hash(record: dict[str, Any]) -> str:
    """The chain hash of ``record`` (its ``chain.hash`` field is ignored)."""
    chain = dict(record["chain"])
    chain.pop("hash", None)
    body = orjson.dumps({**record, "chain": chain}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(chain["prev_hash"].encode() + b"\n" + body).hexdigest()


def seal(record: dict[str, Any], partition: int, head: ChainHead, sealed_at: int) -> dict[str, Any]:
    """Return ``record`` with its ``chain`` fields, as the successor of ``head``."""
    chained = {
        **record,
        "chain": {
            "partition": partition,
            "seq": head.seq + 1,
            "prev_hash": head.hash,
            "sealed_at": sealed_at,
        },
    }
    chained["chain"]["hash"] = record_hash(chained)
    return chained


def head_of(record: dict[str, Any]) -> ChainHead:
    """The chain head after ``record`` was sealed."""
    return ChainHead(seq=record["chain"]["seq"], hash=record["chain"]["hash"])
