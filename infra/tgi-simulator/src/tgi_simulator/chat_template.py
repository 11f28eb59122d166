"""The simulator's chat template: messages to one prompt string.

A Zephyr-style template: ``<|role|>``, newline, content, ``</s>``, newline per message,
then ``<|assistant|>`` and a newline, so role markers cost prompt tokens the way a real template's
special tokens do, and the prompt (hence the answer) changes with any message.
Content may be a string, ``null``, or a list of OpenAI content parts, whose ``text``
parts are joined; image parts carry no text and are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from tgi_simulator.errors import invalid_body, invalid_input


def render_chat(messages: Sequence[object]) -> str:
    """Render a conversation for the model.

    Raises:
        TgiError: 422 if the list is empty or a message is not ``{"role": str, ...}``.
    """
    if not messages:
        raise invalid_input("`messages` cannot be empty")
    parts = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise invalid_body(f"messages[{index}]: expected an object with a string `role`")
        parts.append(f"<|{message['role']}|>\n{_content_text(message.get('content'), index)}</s>\n")
    return "".join(parts) + "<|assistant|>\n"


def _content_text(content: object, index: int) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part.get("text") for part in content if isinstance(part, dict) and part.get("type") == "text"
        ]
        return "\n".join(text for text in texts if isinstance(text, str))
    raise invalid_body(f"messages[{index}].content: expected a string or a list of content parts")
