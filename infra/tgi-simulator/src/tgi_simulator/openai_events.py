"""SSE event formats of the OpenAI-compatible routes (``data: {...}`` then ``data: [DONE]``)."""

from __future__ import annotations

from tgi_simulator.config import SimulatorConfig
from tgi_simulator.engine import Run
from tgi_simulator.errors import TgiError
from tgi_simulator.generation import Token
from tgi_simulator.openai_payloads import chat_chunk, completion_chunk
from tgi_simulator.openai_request import OpenAIOptions
from tgi_simulator.sse import DONE, event


class _OpenAIEvents:
    """Shared error and closing events; TGI reports errors in its own body shape here too."""

    def __init__(self, config: SimulatorConfig, options: OpenAIOptions) -> None:
        self._config = config
        self._options = options

    def error_event(self, error: TgiError) -> bytes:
        """A TGI error event."""
        return event(error.payload(), spaced=True)

    def closing(self) -> bytes:
        """The ``data: [DONE]`` marker, sent after errors too (as TGI does)."""
        return DONE


class ChatEvents(_OpenAIEvents):
    """:class:`~tgi_simulator.streaming.EventFormat` of streaming chat completions."""

    def token_event(self, run: Run, index: int, token: Token) -> bytes:
        """A ``chat.completion.chunk`` event."""
        chunk = chat_chunk(
            self._config,
            run,
            index,
            token,
            logprobs=self._options.logprobs,
            with_usage=self._options.include_usage,
        )
        return event(chunk, spaced=True)


class CompletionEvents(_OpenAIEvents):
    """:class:`~tgi_simulator.streaming.EventFormat` of streaming completions."""

    def token_event(self, run: Run, index: int, token: Token) -> bytes:
        """A ``text_completion`` chunk event."""
        return event(completion_chunk(self._config, run, index, token), spaced=True)
