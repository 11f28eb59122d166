"""``llmops trace`` and ``llmops deadletter`` against the running local stack (real services)."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Callable

import openai
import orjson
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from typer.testing import CliRunner

from llmops import topics
from llmops.cli.main import app
from llmops.dev_tokens import mint_token
from llmops.localstack.components import HOST, StackConfig
from llmops.ops.reader import TopicReader

pytestmark = pytest.mark.integration


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


async def _until(
    check: Callable[[], tuple[int, str, str]], done: Callable[[str], bool], wait_s: float = 30
) -> str:
    """Run a CLI check until its output satisfies ``done`` (the services work asynchronously)."""
    out = ""
    for _ in range(int(wait_s / 0.5)):
        _, out, _ = await asyncio.to_thread(check)
        if done(out):
            return out
        await asyncio.sleep(0.5)
    raise AssertionError(f"condition not met; last output:\n{out}")


async def test_trace_follows_a_request_through_the_pipeline(
    local_stack: StackConfig, kafka_bootstrap: str
) -> None:
    client = openai.AsyncOpenAI(
        base_url=f"http://{HOST}:{local_stack.ports.gateway}/v1",
        api_key=mint_token("acme"),
        max_retries=0,
        timeout=30,
    )
    completion = await client.chat.completions.create(
        model="llama-3.1-8b", messages=[{"role": "user", "content": "Trace me, please"}], max_tokens=8
    )
    request_id = (completion.model_extra or {})["llmops"]["request_id"]
    es_url = f"http://{HOST}:{local_stack.ports.elasticsearch}"
    args = ("trace", request_id, "--bootstrap", kafka_bootstrap, "--es-url", es_url)

    out = await _until(lambda: _cli(*args, "--json"), lambda o: '"status":"complete"' in o)
    trace = orjson.loads(out)
    assert [hop["hop"] for hop in trace["hops"]] == ["request", "completion", "response"]
    assert [hop["since_previous_ms"] is None for hop in trace["hops"]] == [True, False, False]
    assert trace["audit"]["chain_seq"] >= 1
    code, text, _ = await asyncio.to_thread(_cli, *args)
    assert code == 0 and text.startswith(f"request {request_id}  tenant acme  model llama-3.1-8b")
    assert "3 hops" in text and "audit record: complete (chain partition" in text


async def test_trace_of_an_unknown_request_exits_4(kafka_bootstrap: str) -> None:
    code, out, err = await asyncio.to_thread(
        _cli, "trace", "no-such-request", "--bootstrap", kafka_bootstrap, "--since", "1h"
    )
    assert (
        code == 4
        and out == ""
        and err.strip() == "request 'no-such-request' not found on any topic (searched since 1h)"
    )


async def _end_offset(bootstrap: str, topic: str) -> int:
    async with TopicReader(bootstrap) as reader:
        partitions = await reader.partitions(topic)
        ends: dict[TopicPartition, int] = await reader.consumer.end_offsets(partitions)
        return sum(ends.values())


async def test_dead_letters_are_listed_shown_and_replayed_once(
    kafka_bootstrap: str, producer: AIOKafkaProducer
) -> None:
    key = f"dlq-{uuid.uuid4().hex[:8]}"
    await producer.send_and_wait(topics.REQUESTS.name, b'{"not": "avro"}', key=key.encode())
    listing = ("deadletter", "list", "--bootstrap", kafka_bootstrap, "--request-id", key, "--json")
    out = await _until(lambda: _cli(*listing), lambda o: len(o.splitlines()) == 2)  # inference and audit
    first = {orjson.loads(line)["event"]["service"]: orjson.loads(line) for line in out.splitlines()}
    assert sorted(first) == ["audit", "inference"]
    original = f"{first['inference']['partition']}:{first['inference']['offset']}"

    code, traced, _ = await asyncio.to_thread(
        _cli, "trace", key, "--json", "--no-audit", "--bootstrap", kafka_bootstrap
    )
    hops = sorted(hop["hop"] for hop in orjson.loads(traced)["hops"])
    assert code == 0 and hops == ["dead letter (audit)", "dead letter (inference)", "undecodable"]

    code, shown, _ = await asyncio.to_thread(_cli, "deadletter", "show", key, "--bootstrap", kafka_bootstrap)
    assert code == 0 and shown.count("error            InvalidMessage: not Avro") == 2
    assert "not decodable; hex:" in shown and "7b 22 6e 6f 74 22" in shown

    replay = ("deadletter", "replay", key, "--service", "inference", "--bootstrap", kafka_bootstrap)
    before = await _end_offset(kafka_bootstrap, topics.REQUESTS.name)
    code, dry, _ = await asyncio.to_thread(_cli, *replay, "--dry-run")
    assert code == 0 and "dry run: 1 would be sent" in dry
    assert await _end_offset(kafka_bootstrap, topics.REQUESTS.name) == before

    code, done, _ = await asyncio.to_thread(_cli, *replay, "--yes")
    assert code == 0 and "replayed 1 event(s); skipped 0" in done
    assert await _end_offset(kafka_bootstrap, topics.REQUESTS.name) == before + 1

    # Inference fails on it again (it is still not Avro), recording the replay marker ...
    out = await _until(lambda: _cli(*listing), lambda o: len(o.splitlines()) == 3)
    again = [orjson.loads(line) for line in out.splitlines()][-1]
    assert again["event"]["service"] == "inference"
    assert "llmops-replay-of" in {h["key"] for h in again["event"]["headers"]}
    # ... and audit skipped it: a later event with the same key (same partition, read in order)
    # is dead-lettered by audit while the replay was not.
    await producer.send_and_wait(topics.REQUESTS.name, b"sentinel", key=key.encode())
    out = await _until(
        lambda: _cli(*listing), lambda o: o.count('"service":"audit"') == 2 and len(o.splitlines()) == 5
    )
    audited = [orjson.loads(line)["event"] for line in out.splitlines() if '"service":"audit"' in line]
    assert audited[-1]["payload"] == base64.b64encode(b"sentinel").decode()  # not the replay

    # One dead letter is replayed at most once; its failed replay is a new entry, which may be.
    again_args = ("deadletter", "replay", original, "--yes", "--bootstrap", kafka_bootstrap)
    code, twice, _ = await asyncio.to_thread(_cli, *again_args)
    assert code == 0 and "SKIP (already replayed as llm.requests.v1:" in twice and "nothing to send" in twice
    code, plan, _ = await asyncio.to_thread(_cli, *replay, "--dry-run")
    assert plan.count("SKIP (already replayed") == 1 and "dry run: 2 would be sent" in plan
    assert await _end_offset(kafka_bootstrap, topics.REQUESTS.name) == before + 2  # the replay, the sentinel


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("deadletter", "show", "0:999999999"), 2, "no dead letter at 0:999999999"),
        (("deadletter", "show", "99:1"), 2, "has no partition 99"),
        (("deadletter", "show", "no-such-request"), 4, "no dead letter for request id 'no-such-request'"),
        (("deadletter", "replay"), 2, "name what to replay"),
    ],
)
async def test_deadletter_bad_input(
    kafka_bootstrap: str, args: tuple[str, ...], code: int, message: str
) -> None:
    exit_code, _, err = await asyncio.to_thread(_cli, *args, "--bootstrap", kafka_bootstrap)
    assert exit_code == code and message in err
