"""Token usage in one neutral shape, read from and written to each format.

The formats disagree on what "input" means. Anthropic's `input_tokens` counts only the
uncached part: cache reads and cache writes are reported beside it. OpenAI's
`prompt_tokens` (Chat) and `input_tokens` (Responses) count everything, with the cached
part as a detail. Every conversion goes through `Tokens`, whose `input` is the total, so
each rule is written once and nothing is counted twice or lost.

The `usage` transforms (one per direction, in the table-owning topic modules) call
these; this module knows nothing about tables or loss entries except where a count
cannot be expressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Usage = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Tokens:
    """Counts of one response. `input` includes cache reads and writes.

    `reasoning` is None when the source does not say (Anthropic counts thinking inside
    `output_tokens` and reports it separately only in some beta responses).
    """

    input: int
    output: int
    cache_read: int = 0
    cache_write: int = 0
    reasoning: int | None = None


def _n(value: Any) -> int:
    return value if isinstance(value, int) else 0


# -- readers -------------------------------------------------------------------------


def from_anthropic(usage: Usage) -> Tokens:
    """Anthropic `usage` -> Tokens (input = uncached + cache reads + cache writes).

    >>> from_anthropic({"input_tokens": 10, "cache_read_input_tokens": 100,
    ...                 "cache_creation_input_tokens": 5, "output_tokens": 7})
    Tokens(input=115, output=7, cache_read=100, cache_write=5, reasoning=None)
    """
    read = _n(usage.get("cache_read_input_tokens"))
    write = _n(usage.get("cache_creation_input_tokens"))
    details = usage.get("output_tokens_details") or {}
    reasoning = details.get("thinking_tokens")
    return Tokens(
        input=_n(usage.get("input_tokens")) + read + write,
        output=_n(usage.get("output_tokens")),
        cache_read=read,
        cache_write=write,
        reasoning=reasoning if isinstance(reasoning, int) else None,
    )


def from_chat(usage: Usage) -> Tokens:
    """Chat `usage` -> Tokens.

    >>> from_chat({"prompt_tokens": 115, "completion_tokens": 7, "total_tokens": 122,
    ...            "prompt_tokens_details": {"cached_tokens": 100}})
    Tokens(input=115, output=7, cache_read=100, cache_write=0, reasoning=None)
    """
    prompt = usage.get("prompt_tokens_details") or {}
    completion = usage.get("completion_tokens_details") or {}
    reasoning = completion.get("reasoning_tokens")
    return Tokens(
        input=_n(usage.get("prompt_tokens")),
        output=_n(usage.get("completion_tokens")),
        cache_read=_n(prompt.get("cached_tokens")),
        cache_write=_n(prompt.get("cache_write_tokens")),
        reasoning=reasoning if isinstance(reasoning, int) else None,
    )


def from_responses(usage: Usage) -> Tokens:
    """Responses `usage` -> Tokens.

    >>> from_responses({"input_tokens": 115, "output_tokens": 7, "total_tokens": 122,
    ...     "input_tokens_details": {"cached_tokens": 100, "cache_write_tokens": 5},
    ...     "output_tokens_details": {"reasoning_tokens": 3}})
    Tokens(input=115, output=7, cache_read=100, cache_write=5, reasoning=3)
    """
    inp = usage.get("input_tokens_details") or {}
    out = usage.get("output_tokens_details") or {}
    reasoning = out.get("reasoning_tokens")
    return Tokens(
        input=_n(usage.get("input_tokens")),
        output=_n(usage.get("output_tokens")),
        cache_read=_n(inp.get("cached_tokens")),
        cache_write=_n(inp.get("cache_write_tokens")),
        reasoning=reasoning if isinstance(reasoning, int) else None,
    )


# -- writers -------------------------------------------------------------------------


def uncached_input(t: Tokens) -> int:
    """Anthropic's `input_tokens`: the total minus cache reads and writes, never negative.

    Negative only when a source reports more cached tokens than input tokens, which is
    inconsistent input; callers report the clamp.
    """
    return max(t.input - t.cache_read - t.cache_write, 0)


def to_anthropic(t: Tokens) -> Usage:
    """Tokens -> Anthropic `usage` (cache fields always present, as the API sends them).

    >>> to_anthropic(Tokens(input=115, output=7, cache_read=100, cache_write=5))
    {'input_tokens': 10, 'output_tokens': 7, 'cache_read_input_tokens': 100, 'cache_creation_input_tokens': 5}
    """
    return {
        "input_tokens": uncached_input(t),
        "output_tokens": t.output,
        "cache_read_input_tokens": t.cache_read,
        "cache_creation_input_tokens": t.cache_write,
    }


def to_chat(t: Tokens) -> Usage:
    """Tokens -> Chat `usage` (details only for what is known).

    >>> to_chat(Tokens(input=115, output=7, cache_read=100, cache_write=5))
    {'prompt_tokens': 115, 'completion_tokens': 7, 'total_tokens': 122, 'prompt_tokens_details': {'cached_tokens': 100, 'cache_write_tokens': 5}}
    """
    usage: Usage = {
        "prompt_tokens": t.input,
        "completion_tokens": t.output,
        "total_tokens": t.input + t.output,
        "prompt_tokens_details": {"cached_tokens": t.cache_read},
    }
    if t.cache_write:
        usage["prompt_tokens_details"]["cache_write_tokens"] = t.cache_write
    if t.reasoning is not None:
        usage["completion_tokens_details"] = {"reasoning_tokens": t.reasoning}
    return usage


def to_responses(t: Tokens) -> Usage:
    """Tokens -> Responses `usage` (every detail is required there; unknown reasoning is 0).

    >>> to_responses(Tokens(input=115, output=7, cache_read=100))["input_tokens_details"]
    {'cached_tokens': 100, 'cache_write_tokens': 0}
    """
    return {
        "input_tokens": t.input,
        "input_tokens_details": {
            "cached_tokens": t.cache_read,
            "cache_write_tokens": t.cache_write,
        },
        "output_tokens": t.output,
        "output_tokens_details": {"reasoning_tokens": t.reasoning or 0},
        "total_tokens": t.input + t.output,
    }
