"""Tool-call ids: sanitised for Anthropic, consistently for calls and their results.

Anthropic accepts tool_use ids matching `^[a-zA-Z0-9_-]{1,64}$`; OpenAI ids are free-form
(`call.1:x`, 80-character gateway ids). A `ToolIdMap` is made per conversion (no global
state) so the tool_use block and the tool_result that answers it get the same new id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

_VALID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_INVALID_CHAR = re.compile(r"[^a-zA-Z0-9_-]")
MAX_LEN = 64
_HASH_LEN = 8


def is_valid(tool_id: str) -> bool:
    """True when Anthropic accepts `tool_id` as is.

    >>> is_valid("call_1"), is_valid("call.1:x")
    (True, False)
    """
    return _VALID.fullmatch(tool_id) is not None


def _suffixed(base: str, original: str, salt: int) -> str:
    """`base` truncated so that `_<hash>` fits in 64 characters; the hash is of `original`."""
    digest = hashlib.sha1(f"{original}\x00{salt}".encode()).hexdigest()[:_HASH_LEN]
    return f"{base[: MAX_LEN - _HASH_LEN - 1]}_{digest}"


class ToolIdMap:
    """Original tool-call id -> Anthropic-safe id, stable within one conversion.

    Valid ids are kept; others get `_` for each bad character, and a short stable hash
    suffix when too long or colliding with an id already in the conversation.

    >>> ids = ToolIdMap(["call.1:x", "call_1_x"])
    >>> ids.get("call_1_x"), ids.get("call.1:x") != "call_1_x"
    ('call_1_x', True)
    """

    __slots__ = ("_map", "_originals", "_used")

    def __init__(self, originals: Iterable[str] = ()) -> None:
        self._map: dict[str, str] = {}
        # Collisions only matter once an id needs rewriting, which is rare: the set of
        # ids in use is built then, not for every conversation.
        self._originals = originals
        self._used: set[str] | None = None

    def get(self, original: str) -> str:
        """The sanitised id for `original` (the same answer every time)."""
        known = self._map.get(original)
        if known is not None:
            return known
        new = original if is_valid(original) else self._fresh(original)
        self._map[original] = new
        if self._used is not None:
            self._used.add(new)
        return new

    def _fresh(self, original: str) -> str:
        if self._used is None:
            self._used = {i for i in self._originals if is_valid(i)}
            self._used.update(self._map.values())
        base = _INVALID_CHAR.sub("_", original) or "id"
        candidate = base if len(base) <= MAX_LEN else _suffixed(base, original, 0)
        salt = 0
        while candidate in self._used:
            salt += 1
            candidate = _suffixed(base, original, salt)
        return candidate
