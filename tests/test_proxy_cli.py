"""`crosswalk serve` as a user starts it: a real process, its flags, its startup errors,
its log lines."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anthropic
import httpx2

from tests.proxy_support import Loop, start
from tests.upstream_double import Double


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def serve(
    *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    state = tempfile.mkdtemp(prefix="crosswalk-state-")  # not the user's ~/.local/state
    process = subprocess.Popen(
        [sys.executable, "-m", "crosswalk", "serve", "--port", str(port), *args],
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL"))}
        | {"XDG_STATE_HOME": state}
        | (env or {}),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx2.get(url + "/healthz", timeout=1)
                break
            except httpx2.TransportError:
                assert process.poll() is None, process.communicate()[1]
                time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(state, ignore_errors=True)


def test_one_flag_puts_claude_clients_in_front_of_a_chat_server() -> None:
    loop = Loop()
    double = Double()
    runner, double_url = loop.run(start(double.app()))
    try:
        with serve("--upstream", f"chat={double_url}/v1") as (url, process):
            a = anthropic.Anthropic(base_url=url, api_key="k")
            message = a.messages.create(
                model="claude-opus-4-7",
                max_tokens=32,
                messages=[{"role": "user", "content": "hi"}],
            )
            assert message.content[0].text == "Hi! How can I help you today?"  # type: ignore[union-attr]
            assert double.last("chat").body["model"] == "claude-opus-4-7"
            process.terminate()
            logs = process.communicate(timeout=10)[1]
    finally:
        loop.run(runner.cleanup())
        loop.stop()
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    assert "chat (chat) at " in lines[0]["message"]
    call = next(line for line in lines if line.get("path") == "/v1/messages")
    assert (call["client"], call["upstream_format"], call["status"]) == ("anthropic", "chat", 200)
    assert call["tokens"] == {"input": 9, "output": 10, "cache_read": 0, "cache_write": 0}


def test_with_no_upstream_it_starts_and_says_so() -> None:
    with serve() as (url, _):
        assert httpx2.get(url + "/healthz").json()["upstreams"] == []
        reply = httpx2.post(
            url + "/v1/chat/completions",
            json={"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]},
        )
        assert reply.status_code == 404
        assert "no upstream configured" in reply.json()["error"]["message"]


def test_a_bad_config_is_a_startup_error_that_names_the_setting(tmp_path: Path) -> None:
    config = tmp_path / "crosswalk.toml"
    config.write_text('[[upstream]]\nname = "x"\nformat = "gemini"\nbase_url = "http://h"\n')
    done = subprocess.run(
        [sys.executable, "-m", "crosswalk", "serve", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "upstream[0].format: 'gemini' is not one of anthropic, chat, responses" in done.stderr
    assert "Traceback" not in done.stderr
