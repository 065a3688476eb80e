"""Anthropic thinking signatures and redacted thinking inside Responses `encrypted_content`.

A Responses client stores reasoning items and replays them verbatim next turn; the only
opaque field it replays is `encrypted_content`. So an Anthropic `thinking` block's
signature, or a `redacted_thinking` block's data, travels there, behind a prefix that
says which of the two it is. The payload after the prefix is the Anthropic string
byte for byte, so the round trip is exact.

OpenAI's own encrypted reasoning (`gAAAA…` Fernet tokens) never starts with the prefix,
so `decode` tells the two apart: a reasoning item whose `encrypted_content` did not come
from Anthropic cannot be sent to Anthropic, and callers drop it with a loss entry.
"""

from __future__ import annotations

from typing import Literal

ReasoningKind = Literal["thinking", "redacted_thinking"]

PREFIX = "crosswalk.anthropic."
_THINKING = PREFIX + "thinking:"
_REDACTED = PREFIX + "redacted_thinking:"


def encode_signature(signature: str) -> str:
    """A thinking block's signature -> `encrypted_content`.

    >>> encode_signature("EqQBCkYIBxgC")
    'crosswalk.anthropic.thinking:EqQBCkYIBxgC'
    """
    return _THINKING + signature


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
