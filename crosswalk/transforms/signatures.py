"""Anthropic thinking signatures and redacted thinking inside Responses `encrypted_content`.

A Responses client stores reasoning items and replays them verbatim next turn; the only
opaque field it replays is `encrypted_content`. So an Anthropic `thinking` block's
signature, or a `redacted_thinking` block's data, travels there, behind a prefix that
says which of the two it is. The payload after the prefix is the Anthropic string
byte for byte, so the round trip is exact.

OpenAI's own encrypted reasoning (`gAAAA…` Fernet tokens) never starts with the prefix,
so `decode` tells the two apart: a reasoning item whose `encrypted_content` did not come
from Anthropic cannot be sent to Anthropic, and callers drop it with a loss entry.

The other way round, OpenAI's encrypted reasoning travels to an Anthropic *client*
inside a thinking block's signature, behind its own prefix (`wrap_openai`): Claude Code
shows the thinking and replays the block next turn, and `encode_signature` gives the
Responses upstream its `encrypted_content` back, byte for byte. Such a signature is not
Anthropic's (`anthropic_signed` says so), and a block carrying one is not sent to
Anthropic's API.
"""

from __future__ import annotations

from typing import Literal

ReasoningKind = Literal["thinking", "redacted_thinking"]

PREFIX = "crosswalk.anthropic."
_THINKING = PREFIX + "thinking:"
_REDACTED = PREFIX + "redacted_thinking:"
_OPENAI = "crosswalk.openai.reasoning:"


def encode_signature(signature: str) -> str:
    """A thinking block's signature -> `encrypted_content`: Anthropic's behind the
    prefix, OpenAI's own (wrapped by `wrap_openai`) as it was.

    >>> encode_signature("EqQBCkYIBxgC")
    'crosswalk.anthropic.thinking:EqQBCkYIBxgC'
    >>> encode_signature(wrap_openai("gAAAAABo"))
    'gAAAAABo'
    """
    if signature.startswith(_OPENAI):
        return signature[len(_OPENAI) :]
    return _THINKING + signature


def wrap_openai(encrypted_content: str) -> str:
    """OpenAI's encrypted reasoning -> the signature of the thinking block that carries
    it to an Anthropic client.

    >>> wrap_openai("gAAAAABo")
    'crosswalk.openai.reasoning:gAAAAABo'
    """
    return _OPENAI + encrypted_content


def anthropic_signed(signature: str) -> bool:
    """Whether a thinking block's signature can be Anthropic's: not empty (a block made
    from Chat reasoning text) and not OpenAI's reasoning in transit.

    >>> anthropic_signed("EqQBCkYIBxgC"), anthropic_signed(""), anthropic_signed(wrap_openai("g"))
    (True, False, False)
    """
    return bool(signature) and not signature.startswith(_OPENAI)


def encode_redacted(data: str) -> str:
    """A redacted_thinking block's data -> `encrypted_content`.

    >>> encode_redacted("EmwKAhgB")
    'crosswalk.anthropic.redacted_thinking:EmwKAhgB'
    """
    return _REDACTED + data


def decode(encrypted_content: str) -> tuple[ReasoningKind, str] | None:
    """`encrypted_content` -> (which Anthropic block, its signature or data), or None.

    None means the content was not made by `encode_*`: not Anthropic's.

    >>> decode(encode_signature("sig=="))
    ('thinking', 'sig==')
    >>> decode(encode_redacted("data"))
    ('redacted_thinking', 'data')
    >>> decode("gAAAAABo...") is None
    True
    """
    if encrypted_content.startswith(_THINKING):
        return "thinking", encrypted_content[len(_THINKING) :]
    if encrypted_content.startswith(_REDACTED):
        return "redacted_thinking", encrypted_content[len(_REDACTED) :]
    return None
