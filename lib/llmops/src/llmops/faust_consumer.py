"""faust's Kafka consumer, delivering a fetched message without a race when nothing has to wait.

faust's fetch loop (``Consumer._drain_messages``) hands every message to the conductor
through ``wait_first(callback(message), suspend_flow.wait())``: four tasks and an
``asyncio.wait`` per message, so that a rebalance (which sets ``suspend_flow``) can cut
short a delivery blocked on a full stream buffer or on stopped flow control. Almost
always the delivery blocks on nothing: the conductor's callback puts the event in the
stream's queue and returns without ever suspending. py-spy put faust's per-message
machinery at about a third of the audit worker's CPU, this race a large part of it.

:class:`DirectDeliveryConsumer` runs the callback up to its first suspension in the fetch
loop itself. If it finished, the message is delivered and no task was created. If it
suspended (flow control stopped, the producer buffer over its limit, a full stream
queue, the conductor's index being rebuilt), the suspended coroutine goes to faust's own
``wait_first`` race against ``suspend_flow`` exactly as before, so a rebalance still
cancels a blocked delivery and cannot deadlock on a full buffer. Read offsets, gap
tracking, ``commit_every`` and the yield every 100 messages are faust's code unchanged.
faust's own loop runs the callback's first step before the flow event's too (tasks
start in order), so a delivery that needs no wait was never cut short there either.
Two things do differ: the loop yields to the event loop every 100 messages (faust's own
``yield_every``) instead of at every message (the stream buffer, ``stream_buffer_maxsize``,
still bounds what it queues ahead, through the fallback), and a delivery's first step
runs in the fetch loop's context instead of a task's copy of it (the conductor sets no
context variable). Measured on the audit worker over a whole 3,000-inference catch-up:
1.05-1.11 ms of CPU per record with faust's loop, 0.69-0.83 ms with this one.

What it relies on (faust-streaming 0.15.3, pinned in ``uv.lock``): the body of
``faust.transport.consumer.Consumer._drain_messages`` (copied below with the one
change), which the fetcher calls as ``consumer._drain_messages(fetcher)``; the consumer
attributes it reads (``callback``, ``getmany``, ``_read_offset``, ``diag``,
``_commit_every``, ``_n_acked``, ``_add_gap``, ``commit``, ``suspend_flow``,
``wait_first``); and ``Transport.Consumer``, the documented class attribute naming the
transport's consumer class. :data:`DRAIN_MESSAGES_SHA256` is the digest of the source it
was written against: when an upgrade changes that method, :func:`supported` is false,
:func:`install` logs once and leaves faust's own loop in place, and a test fails.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import types
from collections.abc import Coroutine, Generator
from typing import Any, cast

import faust
from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.consumer import Consumer as FaustConsumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from mode import Service

from llmops import balanced_fetch
from llmops.balanced_fetch import BalancedConsumerThread

log = logging.getLogger(__name__)

DRAIN_MESSAGES_SHA256 = "44a2500309e83c630493f6828af50166ec8d96a0b3e4fb2bab735f704ae93417"


def drain_messages_digest() -> str:
    """sha256 of the source of faust's ``Consumer._drain_messages`` in the installed faust."""
    return hashlib.sha256(inspect.getsource(FaustConsumer._drain_messages).encode()).hexdigest()


def supported() -> bool:
    """Whether the installed faust's fetch loop is the one this consumer replaces."""
    return drain_messages_digest() == DRAIN_MESSAGES_SHA256


@types.coroutine
def _resume(coro: Coroutine[Any, Any, Any], awaiting: Any) -> Generator[Any, Any, Any]:
    """Continue ``coro``, suspended on ``awaiting``, as ``yield from`` would.

    Values, exceptions and cancellation sent to this generator pass through to ``coro``.
    """
    while True:
        try:
            sent = yield awaiting
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as exc:  # forwarded, as ``yield from`` does
            try:
                awaiting = coro.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                awaiting = coro.send(sent)
            except StopIteration as stop:
                return stop.value


async def _finish(coro: Coroutine[Any, Any, Any], awaiting: Any) -> Any:
    """An awaitable for ``wait_first``: the rest of a delivery that had to wait."""
    return await _resume(coro, awaiting)


class DirectDeliveryConsumer(faust_aiokafka.Consumer):
    """faust's aiokafka consumer whose fetch loop delivers without a race when nothing waits.

    Its polls also share their budget evenly across the buffered partitions
    (:mod:`llmops.balanced_fetch`) when the installed faust is the one that was checked.
    """

    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        if not balanced_fetch.supported():
            log.warning("faust's _fetch_records has changed; polls are not balanced across partitions")
            return super()._new_consumer_thread()
        return BalancedConsumerThread(self, loop=self.loop, beacon=self.beacon)

    # faust's loop kept as it is (branches, nesting) so that it reads as a copy with one change.
    async def _drain_messages(self, fetcher: Any) -> None:  # noqa: PLR0912, PLR0915
        """The fetch loop of faust 0.15.3; only the delivery (marked below) differs."""
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = cast(Service, self)._stopped.is_set
        fetcher_should_stop = cast(Service, fetcher)._stopped.is_set

        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        flag_consumer_fetching = CONSUMER_FETCHING
        set_flag = self.diag.set_flag
        unset_flag = self.diag.unset_flag
        commit_every = self._commit_every
        acks_enabled_for = self.app.topics.acks_enabled_for

        yield_every = 100
        num_since_yield = 0
        sleep = asyncio.sleep

        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                set_flag(flag_consumer_fetching)
                ait = getmany(timeout=1.0)
                await self.sleep(0)
                if not self.should_stop:
                    async for tp, message in ait:
                        num_since_yield += 1
                        if num_since_yield > yield_every:
                            await sleep(0)
                            num_since_yield = 0

                        offset = message.offset
                        r_offset = get_read_offset(tp)
                        if r_offset is None or offset >= r_offset:
                            gap = offset - (r_offset or 0)
                            if gap > 1 and r_offset:
                                acks_enabled = acks_enabled_for(message.topic)
                                if acks_enabled:
                                    await self._add_gap(tp, r_offset + 1, offset)
                            if commit_every is not None:  # noqa: SIM102
                                if self._n_acked >= commit_every:
                                    self._n_acked = 0
                                    await self.commit()
                            # The one change: run the delivery up to its first suspension
                            # here; race it against suspend_flow only if it has to wait.
                            delivery = callback(message)
                            if isinstance(delivery, Coroutine):
                                try:
                                    awaiting = delivery.send(None)
                                except StopIteration:
                                    pass
                                else:
                                    await self.wait_first(
                                        _finish(delivery, awaiting), self.suspend_flow.wait()
                                    )
                            else:
                                await self.wait_first(delivery, self.suspend_flow.wait())
                            set_read_offset(tp, offset)
                        else:
                            self.log.dev(
                                "DROPPED MESSAGE ROFF %r: k=%r v=%r",
                                offset,
                                message.key,
                                message.value,
                            )
                    unset_flag(flag_consumer_fetching)

        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            unset_flag(flag_consumer_fetching)


class DirectDeliveryTransport(faust_aiokafka.Transport):
    """faust's aiokafka transport with :class:`DirectDeliveryConsumer` as its consumer."""

    Consumer = DirectDeliveryConsumer


def install(app: faust.App) -> bool:
    """Make ``app`` consume through :class:`DirectDeliveryConsumer` (call before it starts).

    Returns:
        False (faust's own consumer stays, logged once) when the installed faust's fetch
        loop is not the one this replaces, or the broker is not a ``kafka://`` URL.
    """
    urls = app.conf.broker_consumer
    if not supported():
        log.warning("faust's Consumer._drain_messages has changed; keeping faust's own fetch loop")
        return False
    if any(url.scheme not in ("kafka", "aiokafka") for url in urls):
        return False
    app.transport = DirectDeliveryTransport(urls, app)
    return True
