"""The simulator's stand-in tokenizer.

A real model's BPE tokenizer is not available (and not needed): the simulator counts one
token per run of word characters and one per punctuation or symbol character, so
``"Hello, world!"`` is four tokens (``Hello`` ``,`` ``world`` ``!``). English prose then
comes out within roughly 10-30% of a Llama-family tokenizer, which is close enough for
length limits, usage accounting and the latency model.
"""

from __future__ import annotations

import re
import zlib

_TOKEN = re.compile(r"\w+|[^\w\s]")
VOCAB_SIZE = 32000
"""Size of the simulated vocabulary: token ids are in ``[0, VOCAB_SIZE)``."""


def tokenize(text: str) -> list[str]:
    """Split text into simulator tokens (word runs and single punctuation characters).

    Whitespace is dropped, so joining the pieces does not give the text back; callers
    only need the count and the pieces for ``decoder_input_details``.
    """
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    """Number of simulator tokens in ``text`` (see :func:`tokenize`)."""
    return sum(1 for _ in _TOKEN.finditer(text))


def token_id(piece: str) -> int:
    """A stable id for an input token piece, the same on every run and platform."""
    return zlib.crc32(piece.encode()) % VOCAB_SIZE
