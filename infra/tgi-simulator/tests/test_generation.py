"""Table-driven tests of the pure text, token and validation functions."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from tgi_simulator.chat_template import render_chat
from tgi_simulator.config import SimulatorConfig
from tgi_simulator.errors import TgiError
from tgi_simulator.generation import FinishReason, generate
from tgi_simulator.job import SamplingRequest, validate
from tgi_simulator.tokenizer import count_tokens, tokenize

PROMPTS = ["Hello world, how are you?", "", "a", "Summarise the incident report.", "日本語のテキスト"]


def test_known_answer_is_stable() -> None:
    # Pins the hash-based generator: any change here changes every simulated answer.
    result = generate("Hello world, how are you?", max_new_tokens=10, seed=3)
    assert result.text == "often carefully the through sample a context late about teams"
    assert result.finish_reason is FinishReason.LENGTH


@pytest.mark.parametrize("prompt", PROMPTS)
@pytest.mark.parametrize("seed", [None, 0, 7, 2**63])
def test_same_prompt_and_seed_give_the_same_answer(prompt: str, seed: int | None) -> None:
    first = generate(prompt, max_new_tokens=16, seed=seed, eos_probability=0.5)
    assert generate(prompt, max_new_tokens=16, seed=seed, eos_probability=0.5) == first


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("hello", None), ("hello", 1)),
        (("hello", 1), ("hello", 2)),
        (("hello", 1), ("hello!", 1)),
        (("", None), (" ", None)),
    ],
)
def test_different_prompt_or_seed_gives_a_different_answer(
    a: tuple[str, int | None], b: tuple[str, int | None]
) -> None:
    assert (
        generate(a[0], max_new_tokens=12, seed=a[1]).text != generate(b[0], max_new_tokens=12, seed=b[1]).text
    )


@pytest.mark.parametrize("max_new_tokens", [1, 2, 5, 20, 100, 512])
@pytest.mark.parametrize("prompt", PROMPTS)
def test_without_eos_exactly_max_new_tokens_are_generated(prompt: str, max_new_tokens: int) -> None:
    result = generate(prompt, max_new_tokens=max_new_tokens, eos_probability=0.0)
    assert len(result.tokens) == max_new_tokens
    assert result.finish_reason is FinishReason.LENGTH
    assert len(result.text.split()) == max_new_tokens
    assert result.text == "".join(token.text for token in result.tokens)
    assert not result.text.startswith(" ")


@pytest.mark.parametrize("max_new_tokens", [1, 3, 10, 64, 333])
@pytest.mark.parametrize("prompt", PROMPTS)
def test_early_eos_stops_between_40_and_100_percent(prompt: str, max_new_tokens: int) -> None:
    result = generate(prompt, max_new_tokens=max_new_tokens, eos_probability=1.0)
    assert math.ceil(0.4 * max_new_tokens) <= len(result.tokens) <= max_new_tokens
    assert result.finish_reason is FinishReason.EOS_TOKEN


def test_eos_probability_is_roughly_the_share_of_early_stops() -> None:
    results = [generate(f"prompt {i}", max_new_tokens=8, eos_probability=0.3) for i in range(1000)]
    share = sum(r.finish_reason is FinishReason.EOS_TOKEN for r in results) / len(results)
    assert 0.25 < share < 0.35


@pytest.mark.parametrize(
    ("stop_from", "expected_tokens"),
    [
        (lambda words: [words[0]], 1),  # first token
        (lambda words: [words[4]], 5),  # a later whole word
        (lambda words: [words[6][-2:]], 7),  # the end of a word
        (lambda words: [f"{words[2]} {words[3]}"], 4),  # spanning two tokens
        (lambda words: ["never-generated", words[5]], 6),  # any of several
    ],
)
def test_stop_sequence_ends_generation_and_stays_in_text(
    stop_from: Callable[[list[str]], list[str]], expected_tokens: int
) -> None:
    reference = generate("stop test", max_new_tokens=30, seed=1)
    stop = stop_from(reference.text.split())
    result = generate("stop test", max_new_tokens=30, seed=1, stop=stop)
    assert result.finish_reason is FinishReason.STOP_SEQUENCE
    assert len(result.tokens) == expected_tokens
    assert any(result.text.endswith(s) for s in stop)
    assert reference.text.startswith(result.text)


@pytest.mark.parametrize("stop", [[], [""], ["zzz-not-a-word"], ["\n"]])
def test_stop_sequences_that_never_match_change_nothing(stop: list[str]) -> None:
    assert generate("x", max_new_tokens=9, stop=stop) == generate("x", max_new_tokens=9)


def test_max_new_tokens_below_one_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_new_tokens"):
        generate("x", max_new_tokens=0)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hello, world!", ["Hello", ",", "world", "!"]),
        ("", []),
        ("   \n\t", []),
        ("it's", ["it", "'", "s"]),
        ("a-b  c", ["a", "-", "b", "c"]),
        ("x=1.5", ["x", "=", "1", ".", "5"]),
        ("日本語 text", ["日本語", "text"]),
    ],
)
def test_tokenizer_counts_words_and_punctuation(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens
    assert count_tokens(text) == len(tokens)


def test_chat_template_marks_roles_and_ends_with_the_assistant_turn() -> None:
    prompt = render_chat(
        [
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [{"type": "text", "text": "Hi"}, {"type": "image_url", "image_url": {}}],
            },
        ]
    )
    assert prompt == "<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\n"


LIMITS = SimulatorConfig(
    max_input_tokens=10, max_total_tokens=16, default_max_new_tokens=5, max_stop_sequences=2
)


@pytest.mark.parametrize(
    ("request_", "input_tokens", "max_new_tokens"),
    [
        (SamplingRequest("one two three"), 3, 5),
        (SamplingRequest("one two three", max_new_tokens=13), 3, 13),
        (SamplingRequest("a b c d e f g h i j"), 10, 5),
        (SamplingRequest("a b c d e f g h i j", max_new_tokens=6), 10, 6),
        (SamplingRequest("a b c d e f g h i j k l", truncate=4), 4, 5),
        (SamplingRequest("x", temperature=0.7, top_p=1.0, top_k=5, stop=("a", "b")), 1, 5),
    ],
)
def test_validate_accepts_and_fills_defaults(
    request_: SamplingRequest, input_tokens: int, max_new_tokens: int
) -> None:
    job = validate(request_, LIMITS)
    assert (job.input_tokens, job.max_new_tokens) == (input_tokens, max_new_tokens)


def test_default_max_new_tokens_shrinks_to_fit_the_total() -> None:
    job = validate(
        SamplingRequest("a b c d e f g h i j"), SimulatorConfig(max_input_tokens=10, max_total_tokens=12)
    )
    assert job.max_new_tokens == 2


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (SamplingRequest(""), "`inputs` cannot be empty"),
        (SamplingRequest("a b c d e f g h i j k"), "`inputs` must have less than 10 tokens. Given: 11"),
        (
            SamplingRequest("a b c", max_new_tokens=14),
            "must be <= 16. Given: 3 `inputs` tokens and 14 `max_new_tokens`",
        ),
        (SamplingRequest("a", max_new_tokens=0), "`max_new_tokens` must be strictly positive"),
        (SamplingRequest("a", temperature=0.0), "`temperature` must be strictly positive"),
        (SamplingRequest("a", top_p=1.5), "`top_p`"),
        (SamplingRequest("a", top_k=0), "`top_k` must be strictly positive"),
        (SamplingRequest("a", stop=("x", "y", "z")), "`stop` supports up to 2 stop sequences. Given: 3"),
        (SamplingRequest("a", truncate=11), "`truncate` must be strictly positive"),
    ],
)
def test_validate_rejects_with_tgi_messages(request_: SamplingRequest, message: str) -> None:
    with pytest.raises(TgiError) as caught:
        validate(request_, LIMITS)
    assert caught.value.status == 422
    assert caught.value.error_type == "validation"
    assert caught.value.message.startswith("Input validation error: ")
    assert message in caught.value.message
