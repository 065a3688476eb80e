"""`crosswalk convert stream` in a real pipe: output appears as input arrives."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

from crosswalk.stream.invariants import check

STREAMS = Path(__file__).parent / "fixtures" / "streams"
CLI = [sys.executable, "-m", "crosswalk"]


def _read_available(stream: int, timeout: float) -> bytes:
    ready, _, _ = select.select([stream], [], [], timeout)
    return os.read(stream, 65536) if ready else b""


def test_each_event_is_written_as_soon_as_it_is_complete() -> None:
    events = (STREAMS / "anthropic__thinking_tool_use.sse").read_bytes().split(b"\n\n")
    proc = subprocess.Popen(
        [*CLI, "convert", "stream", "--from", "anthropic", "--to", "chat", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    # message_start alone: the role chunk must come out while the input is still open.
    proc.stdin.write(events[0] + b"\n\n")
    proc.stdin.flush()
    first = _read_available(proc.stdout.fileno(), timeout=20)
    assert b'"role":"assistant"' in first
    # Half an event produces nothing more until its end arrives.
    proc.stdin.write(events[1][:10])
    proc.stdin.flush()
    assert _read_available(proc.stdout.fileno(), timeout=0.3) == b""
    proc.stdin.write(events[1][10:] + b"\n\n" + b"\n\n".join(events[2:]))
    proc.stdin.close()
    rest = proc.stdout.read()
    assert proc.wait(timeout=20) == 0
    output = first + rest
    assert check("chat", output) == []
    assert output.endswith(b"data: [DONE]\n\n")


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], capture_output=True, timeout=60, check=False)


def test_accumulate_and_synthesise_from_the_command_line(tmp_path: Path) -> None:
    source = STREAMS / "responses__reasoning_custom_tool.sse"
    done = _run(
        "convert", "stream", "--from", "responses", "--to", "anthropic", "--accumulate", str(source)
    )
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout)
    # OpenAI's own reasoning rides in the thinking block's signature.
    assert [b["type"] for b in message["content"]] == ["thinking", "tool_use"]
    assert message["content"][0]["signature"].startswith("crosswalk.openai.reasoning:gAAAAAB")
    assert json.loads(done.stderr)  # the request echoes are reported
    reply = tmp_path / "reply.json"
    reply.write_bytes(done.stdout)
    streamed = _run(
        "convert", "response", "--from", "anthropic", "--to", "responses", "--stream", str(reply)
    )
    assert streamed.returncode == 0, streamed.stderr
    assert check("responses", streamed.stdout) == []


def test_a_failed_stream_ends_in_the_targets_error_and_exit_2() -> None:
    result = _run(
        "convert",
        "stream",
        "--from",
        "anthropic",
        "--to",
        "responses",
        str(STREAMS / "anthropic__overloaded_midstream.sse"),
    )
    assert result.returncode == 2
    assert b"event: response.failed" in result.stdout
    assert check("responses", result.stdout) == []
    assert b"Overloaded" in result.stderr
