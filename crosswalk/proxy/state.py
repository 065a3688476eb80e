"""What the Responses API keeps between calls, for Responses clients of an upstream that
keeps nothing (Anthropic, Chat): `previous_response_id`, `GET /v1/responses/{id}` and
`DELETE /v1/responses/{id}`.

A stored response is kept with the whole conversation it ends (every input item before
it, then its own output), so a chain of calls built on `previous_response_id` is read
back in one lookup and sent to the upstream in full, as OpenAI's API does on its side.
SQLite (the standard library's), in a file that outlives the process by default. The
workers of one server (`--workers`) share the file (WAL: readers never wait, writers
take turns); separate servers on separate machines would need a shared database, which
this module does not provide.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

Body = dict[str, Any]
_SCHEMA = """
create table if not exists responses (
    id text primary key,
    created real not null,
    response text not null,
    items text not null
)
"""


def default_path() -> str:
    """`$XDG_STATE_HOME/crosswalk/responses.sqlite3` (~/.local/state by default)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return str(Path(base) / "crosswalk" / "responses.sqlite3")


class ResponseStore:
    """Responses by id, each with the conversation it ends."""

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Calls run on the server's event loop: a locked file fails fast (the caller
        # logs it) rather than stalling every stream for sqlite's default 5 s.
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=0.25)
        try:
            if path != ":memory:":
                self.db.execute("pragma journal_mode=wal")  # readers never wait for a writer
            self.db.execute(_SCHEMA)
        except sqlite3.Error:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def save(self, response: Body, conversation: list[Body]) -> None:
        """`response` (as the client got it) and the conversation it ends: the input it
        answered, previous turns included, then its output."""
        self.db.execute(
            "insert or replace into responses (id, created, response, items) values (?, ?, ?, ?)",
            (
                response["id"],
                time.time(),
                json.dumps(response),
                json.dumps([*conversation, *(response.get("output") or ())]),
            ),
        )

    def response(self, response_id: str) -> Body | None:
        row = self.db.execute(
            "select response from responses where id = ?", (response_id,)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def conversation(self, response_id: str) -> list[Body] | None:
        """Every item of the conversation `response_id` ended, in order, or None."""
        row = self.db.execute("select items from responses where id = ?", (response_id,)).fetchone()
        return None if row is None else json.loads(row[0])

    def delete(self, response_id: str) -> bool:
        cursor = self.db.execute("delete from responses where id = ?", (response_id,))
        return cursor.rowcount > 0


def input_items(body: Body) -> list[Body]:
    """A Responses request's `input` as a list of items (a string is one user message).

    >>> input_items({"input": "hi"})
    [{'type': 'message', 'role': 'user', 'content': 'hi'}]
    """
    given = body.get("input")
    if isinstance(given, str):
        return [{"type": "message", "role": "user", "content": given}]
    return list(given or ())
