"""Text that grows by many small appends: a stream's deltas added up.

Why not `io.StringIO`: CPython's StringIO, until something reads it, keeps every string
written to it alive in a list (its accumulator), about 60 bytes per 3-character delta,
so memory followed the number of deltas rather than the text. Nor `str +=` on a value
held in a dict, which copies the whole text on every append. This keeps at most
`_BATCH` small pieces and joins them into chunks: memory is the text plus a constant.
"""

from __future__ import annotations

_BATCH = 256


class Text:
    """`write(piece)` many times, `getvalue()` whenever the whole is needed.

    >>> t = Text("a")
    >>> for piece in ("b", "c"):
    ...     t.write(piece)
    >>> t.getvalue(), len(t)
    ('abc', 3)
    """

    __slots__ = ("_chunks", "_length", "_small")

    def __init__(self, initial: str = "") -> None:
        self._chunks: list[str] = [initial] if initial else []
        self._small: list[str] = []
        self._length = len(initial)

    def write(self, piece: str) -> None:
        small = self._small
        small.append(piece)
        self._length += len(piece)
        if len(small) >= _BATCH:
            self._chunks.append("".join(small))
            small.clear()

    def getvalue(self) -> str:
        chunks = self._chunks
        if self._small:
            chunks.append("".join(self._small))
            self._small.clear()
        if len(chunks) > 1:
            chunks[:] = ["".join(chunks)]
        return chunks[0] if chunks else ""

    def __len__(self) -> int:
        return self._length
