"""The neutral stream vocabulary between the three readers and the three writers.

Each format streams the same few things in its own envelope: a reply starts, blocks of
text, reasoning or a tool call open, grow by deltas and close, usage is counted, and the
reply finishes or fails. A reader turns its format's events into these; a writer turns
these into its format's events and owns that format's bookkeeping (indices, item ids,
`sequence_number`s, which events must bracket which). So 3 readers + 3 writers cover
all six directions, and synthesising a stream from a complete response is "walk the
response into these events" (`crosswalk.stream.synthesis`).

Blocks are numbered by the reader (`index`, in order of opening, never reused); the
writer renumbers them in its own format. Values that must survive byte for byte
(signatures, redacted data, encrypted reasoning) travel as opaque strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from crosswalk.transforms.tokens import Tokens

__all__ = [
    "BlockKind",
    "BlockStart",
    "BlockStop",
    "Citation",
    "Encrypted",
    "Event",
    "Failure",
    "Finish",
    "Origin",
    "PartBreak",
    "ReasoningDelta",
    "Redacted",
    "SignatureDelta",
    "Start",
    "TextDelta",
    "ToolArgsDelta",
    "Usage",
]

BlockKind = Literal["text", "refusal", "reasoning", "tool_call"]

# Who made a reasoning block's opaque state, which decides whether Anthropic may see it:
#   anthropic  a thinking signature (or redacted data) follows: Anthropic can verify it;
#   none       the source never has opaque state (Chat `reasoning_content`, `<think>`);
#   openai     OpenAI's own encrypted reasoning, which Anthropic cannot verify;
#   pending    not known until the block stops (a Responses reasoning item whose
#              `encrypted_content` arrives only with `output_item.done`).
Origin = Literal["anthropic", "none", "openai", "pending"]


@dataclass(slots=True)
class Start:
    """The reply began. `id` is the source's response id (writers re-prefix it);
    `created` is in seconds when the source says; `usage` holds what is known so far
    (Anthropic reports input tokens up front)."""

    id: str
    model: str
    created: int | None = None
    usage: Tokens | None = None


@dataclass(slots=True)
class BlockStart:
    """A block opens. For tool calls `id` is the call id and `name` the tool name;
    `custom` marks a free-form (custom) tool, whose deltas are raw input text rather
    than JSON. `item_id` is the source's own output-item id when it has one (Responses),
    so a Responses writer can keep it."""

    index: int
    kind: BlockKind
    id: str | None = None
    name: str | None = None
    custom: bool = False
    item_id: str | None = None
    origin: Origin = "none"


@dataclass(slots=True)
class TextDelta:
    index: int
    text: str


@dataclass(slots=True)
class ReasoningDelta:
    index: int
    text: str


@dataclass(slots=True)
class PartBreak:
    """A reasoning block starts a new summary part (Responses keeps parts apart; the
    other formats join them with a blank line, as the response converters do)."""

    index: int


@dataclass(slots=True)
class SignatureDelta:
    """A piece of an Anthropic thinking signature. Readers append pieces; writers send
    the whole signature once, just before the block stops."""

    index: int
    signature: str


@dataclass(slots=True)
class Redacted:
    """The reasoning block is Anthropic redacted thinking carrying `data`."""

    index: int
    data: str


@dataclass(slots=True)
class Encrypted:
    """The reasoning block carries OpenAI's own encrypted reasoning."""

    index: int
    data: str


@dataclass(slots=True)
class ToolArgsDelta:
    """More of a tool call's arguments (JSON text), or of a custom tool's raw input."""

    index: int
    text: str


@dataclass(slots=True)
class Citation:
    """A web citation backing a text block: `url`, `title`. `anthropic` is the whole
    Anthropic citation when the source is Anthropic (only an Anthropic writer can use
    its cited text and encrypted index)."""

    index: int
    url: str
    title: str
    anthropic: dict[str, Any] | None = None


@dataclass(slots=True)
class BlockStop:
    index: int


@dataclass(slots=True)
class Usage:
    """Counts so far (cumulative: a later Usage replaces an earlier one)."""

    tokens: Tokens


@dataclass(slots=True)
class Finish:
    """The source finished normally; `reason` is its own stop value, for logs only
    (writers take the target's stop reason from the converted final response)."""

    reason: str | None = None


@dataclass(slots=True)
class Failure:
    """The source failed mid-stream: an error response of the source format
    (`{status, headers, body}`, the `<format>.error` schema), converted by the
    error tables before a writer sees it."""

    envelope: dict[str, Any] = field(default_factory=dict)


Event = (
    Start
    | BlockStart
    | TextDelta
    | ReasoningDelta
    | PartBreak
    | SignatureDelta
    | Redacted
    | Encrypted
    | ToolArgsDelta
    | Citation
    | BlockStop
    | Usage
    | Finish
    | Failure
)
