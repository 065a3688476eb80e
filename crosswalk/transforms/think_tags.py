"""Reasoning written inline as `<think>…</think>` at the start of a Chat message's content.

Reasoning models served through OpenAI-compatible servers (DeepSeek-R1, Qwen, vLLM or
llama.cpp without a reasoning parser) put their reasoning in `content`, wrapped in
`<think>` tags, instead of `reasoning_content`. It is reasoning, not answer text, and the
other formats have a place for it. The rule, for whole messages and for streams alike:
content that starts with `<think>` (after optional whitespace) is reasoning up to the
first `</think>`; the rest, with leading whitespace removed, is the text. Tags anywhere
else are text: a model may well write the string `<think>` in an answer.

`split` applies the rule to a complete message; `ThinkSplitter` to a stream of content
pieces, where a tag may be cut anywhere (`<thi` + `nk>`), so it holds back only what
could still be the start of a tag.
"""

from __future__ import annotations

from typing import Literal

OPEN = "<think>"
CLOSE = "</think>"

Piece = tuple[Literal["reasoning", "text"], str]


def split(content: str) -> tuple[str | None, str]:
    """(reasoning or None, text) of a whole message's content.

    >>> split("<think>2+2 is 4</think>\\n\\nIt is 4.")
    ('2+2 is 4', 'It is 4.')
    >>> split("I said <think> once")
    (None, 'I said <think> once')
    >>> split("<think>cut off")
    ('cut off', '')
    """
    body = content.lstrip()
    if not body.startswith(OPEN):
        return None, content
    body = body[len(OPEN) :]
    reasoning, closed, rest = body.partition(CLOSE)
    return reasoning, rest.lstrip() if closed else ""


def _tag_prefix_len(text: str, tag: str) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of `tag`."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:n]):
            return n
    return 0


class ThinkSplitter:
    """`split`, one content piece at a time: each `feed` returns what is certain so far.

    >>> s = ThinkSplitter()
    >>> s.feed("<thi"), s.feed("nk>a</th"), s.feed("ink> b"), s.close()
    ([], [('reasoning', 'a')], [('text', 'b')], [])
    >>> s = ThinkSplitter()
    >>> s.feed(" <b>"), s.close()
    ([('text', ' <b>')], [])
    """

    __slots__ = ("_held", "_state")

    def __init__(self) -> None:
        # start: nothing but whitespace yet; reasoning: inside the tags; gap: after
        # </think>, dropping leading whitespace; text: plain text from here on.
        self._state: Literal["start", "reasoning", "gap", "text"] = "start"
        self._held = ""

    @property
    def settled(self) -> bool:
        """Plain text from here on, nothing held: `feed` and `flush` change nothing."""
        return self._state == "text" and not self._held

    def feed(self, piece: str) -> list[Piece]:
        if self._state == "text":
            return [("text", piece)] if piece else []
        out: list[Piece] = []
        buffer = self._held + piece
        self._held = ""
        if self._state == "start":
            body = buffer.lstrip()
            if body.startswith(OPEN):
                self._state, buffer = "reasoning", body[len(OPEN) :]
            elif OPEN.startswith(body):
                self._held = buffer  # still possibly "<think>" (or only whitespace)
                return out
            else:
                self._state = "text"
                return [("text", buffer)]
        if self._state == "reasoning":
            reasoning, closed, rest = buffer.partition(CLOSE)
            if not closed:
                keep = _tag_prefix_len(reasoning, CLOSE)
                if keep:
                    reasoning, self._held = reasoning[:-keep], reasoning[-keep:]
                if reasoning:
                    out.append(("reasoning", reasoning))
                return out
            if reasoning:
                out.append(("reasoning", reasoning))
            self._state, buffer = "gap", rest
        if self._state == "gap":
            buffer = buffer.lstrip()
            if not buffer:
                return out
            self._state = "text"
        out.append(("text", buffer))
        return out

    def flush(self) -> list[Piece]:
        """Something other than content came next (a tool call, a refusal): what is held
        is final. Content that has not opened a `<think>` by now is plain text.

        >>> s = ThinkSplitter()
        >>> s.feed(" "), s.flush(), s.feed("<think>")
        ([], [('text', ' ')], [('text', '<think>')])
        """
        held, self._held = self._held, ""
        if self._state in ("start", "gap"):
            self._state = "text"
        if not held:
            return []
        return [("reasoning" if self._state == "reasoning" else "text", held)]

    def close(self) -> list[Piece]:
        """The end of the content: what was held back is whatever it turned out to be."""
        held, self._held = self._held, ""
        if not held:
            return []
        if self._state == "reasoning":
            return [("reasoning", held)]
        if self._state == "start":
            return [] if held.lstrip() == OPEN else [("text", held)]
        return [("text", held)]
