"""Serialising a :class:`~drift.sample.FeatureSample` to bytes (numpy ``.npz``, no pickle).

The same bytes are what Redis stores as a baseline version, what a closed window is
kept as (so it can be promoted to baseline later), and what a baseline file holds
(``llmops drift baseline export/load``).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

from drift.features import Stream
from drift.sample import FeatureSample
from llmops.errors import InvalidMessage

FORMAT = "llmops-drift-sample/1"


def sample_to_bytes(sample: FeatureSample) -> bytes:
    """Encode ``sample`` as an ``.npz`` archive with a JSON header for counts."""
    header = {
        "format": FORMAT,
        "events": {stream.value: count for stream, count in sample.events.items()},
        "categorical": sample.categorical,
    }
    arrays: dict[str, np.ndarray[Any, Any]] = {f"continuous/{k}": v for k, v in sample.continuous.items()}
    arrays |= {f"embedding/{k}": v for k, v in sample.embeddings.items()}
    buffer = io.BytesIO()
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def sample_from_bytes(data: bytes) -> FeatureSample:
    """Decode bytes written by :func:`sample_to_bytes`.

    Raises:
        InvalidMessage: When the bytes are not a drift sample archive.
    """
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            header = json.loads(archive["header"].tobytes())
            if header.get("format") != FORMAT:
                raise InvalidMessage(f"not a drift sample (format {header.get('format')!r})")
            sample = FeatureSample(
                events={Stream(k): int(v) for k, v in header["events"].items()},
                categorical={k: {c: int(n) for c, n in v.items()} for k, v in header["categorical"].items()},
            )
            for name in archive.files:
                kind, _, feature = name.partition("/")
                if kind == "continuous":
                    sample.continuous[feature] = archive[name].astype(np.float64)
                elif kind == "embedding":
                    sample.embeddings[feature] = archive[name].astype(np.float32)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise InvalidMessage(f"unreadable drift sample: {exc}") from exc
    return sample
