"""OpenAI's request shapes (the subset the platform serves) and response builders."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ChatMessageIn(BaseModel):
    """One chat turn as OpenAI accepts it (text content)."""

    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str = Field(max_length=200_000)


class ResponseFormat(BaseModel):
    """OpenAI's ``response_format``."""

    type: Literal["text", "json_object", "json_schema"] = "text"


class GenerationRequest(BaseModel):
    """Fields OpenAI's chat and text completion bodies share."""

    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=200)
    max_tokens: int | None = Field(default=None, ge=1, le=32_768)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    stop: str | list[str] | None = None
    seed: int | None = None
    user: str | None = Field(default=None, max_length=256)
    stream: bool = False

    def stop_list(self) -> list[str]:
        """Stop sequences as a list."""
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)


class ChatCompletionRequest(GenerationRequest):
    """Body of ``POST /v1/chat/completions``."""

    messages: list[ChatMessageIn] = Field(min_length=1, max_length=256)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=32_768)
    response_format: ResponseFormat | None = None
    metadata: dict[str, str] | None = None


class CompletionRequest(GenerationRequest):
    """Body of ``POST /v1/completions`` (OpenAI's legacy text completions; one prompt)."""

    prompt: str | list[str] = Field(description="One prompt (a list must hold exactly one string).")
    n: int = Field(default=1, ge=1, le=1, description="Only one choice is generated.")

    def prompt_text(self) -> str:
        """The single prompt (validated to be exactly one)."""
        return self.prompt if isinstance(self.prompt, str) else self.prompt[0]

    @field_validator("prompt")
    @classmethod
    def _one_prompt(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list) and len(value) != 1:
            raise ValueError("exactly one prompt per request is supported")
        if len(value if isinstance(value, str) else value[0]) > 200_000:
            raise ValueError("prompt longer than 200000 characters")
        return value


class AsyncChatRequest(BaseModel):
    """``POST /v1/requests`` for a chat completion (the shape of an OpenAI batch line)."""

    model_config = ConfigDict(extra="forbid")
    url: Literal["/v1/chat/completions"]
    body: ChatCompletionRequest


class AsyncCompletionRequest(BaseModel):
    """``POST /v1/requests`` for a text completion."""

    model_config = ConfigDict(extra="forbid")
    url: Literal["/v1/completions"]
    body: CompletionRequest


AsyncRequest = Annotated[AsyncChatRequest | AsyncCompletionRequest, Field(discriminator="url")]
