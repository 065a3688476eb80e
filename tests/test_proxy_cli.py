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


def workers_of(parent: subprocess.Popen[str]) -> list[int]:
    path = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_workers_share_one_port_count_for_each_other_and_are_restarted() -> None:
    loop = Loop()
    double = Double()
    runner, double_url = loop.run(start(double.app()))
    try:
        with serve("--upstream", f"chat={double_url}/v1", "--workers", "2") as (url, process):
            # New connections are spread over the workers by the kernel: both answer.
            seen: set[int] = set()
            for _ in range(400):
                seen.add(httpx2.get(url + "/healthz", timeout=5).json()["worker"])
                if seen == {0, 1}:
                    break
            assert seen == {0, 1}
            for _ in range(6):
                with anthropic.Anthropic(base_url=url, api_key="k") as client:
                    client.messages.create(
                        model="claude-opus-4-7",
                        max_tokens=32,
                        messages=[{"role": "user", "content": "hi"}],
                    )
            # Whichever worker is scraped, the counts are the server's.
            for _ in range(6):
                text = httpx2.get(url + "/metrics", timeout=5).text
                assert "crosswalk_workers_reporting 2" in text
                served = sum(
                    int(line.rsplit(" ", 1)[1])
                    for line in text.splitlines()
                    if line.startswith("crosswalk_requests_total{")
                )
                assert served == 6
            # A worker's own counts are for the other workers, not for the network.
            assert httpx2.get(url + "/metrics/worker", timeout=5).status_code == 404
            # A worker that dies is replaced, and the port keeps answering.
            before = workers_of(process)
            assert len(before) == 2
            os.kill(before[0], 9)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                now = workers_of(process)
                if len(now) == 2 and before[0] not in now:
                    break
                time.sleep(0.1)
            assert len(now) == 2 and before[0] not in now and before[1] in now
            for _ in range(3):
                assert httpx2.get(url + "/healthz", timeout=5).status_code == 200
            process.terminate()
            logs = process.communicate(timeout=20)[1]
        assert process.returncode == 0
        assert not any(alive(pid) for pid in now)
        lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
        calls = [line for line in lines if line.get("message") is None and "status" in line]
        assert len(calls) == 6 and {c["worker"] for c in calls} <= {0, 1}
        assert any("worker 0" in line.get("message", "") and "SIGKILL" in line["message"]
                   for line in lines)  # fmt: skip
    finally:
        loop.run(runner.cleanup())


def test_a_lone_server_does_not_share_its_port() -> None:
    with serve() as (url, _):
        port = int(url.rsplit(":", 1)[1])
        second = subprocess.run(
            [sys.executable, "-m", "crosswalk", "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=30,
            env={k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL"))},
        )  # fmt: skip
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
