"""Claude Code and Codex CLI, the real binaries from npm, through the proxy.

`make e2e-clients` installs the pinned `@anthropic-ai/claude-code` and `@openai/codex`
into `.e2e/` (their native binaries ship inside the npm packages and run offline); CI
runs it as part of `make test`. Each CLI talks to the proxy exactly as its users set it
up (Claude Code through ANTHROPIC_BASE_URL, Codex through a config.toml model provider
with `wire_api = "responses"`), and the proxy talks to the loopback upstream double in
another format. The double's scripted turn (tests/upstream_script.py) thinks, then asks
for a tool the CLI really has; the CLI runs it and sends its output back; the double
answers with what the tool printed, which the CLI prints. The second call must also
carry the first turn's reasoning back to the upstream in the upstream's own form: the
Anthropic signature, the Responses encrypted content, the Chat reasoning text.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.proxy_support import UPSTREAM_MODELS, Servers, model_for, servers
from tests.upstream_double import Seen
from tests.upstream_script import Turn

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("CROSSWALK_E2E_BIN", ROOT / ".e2e" / "node_modules" / ".bin"))
Body = dict[str, Any]


def cli(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        message = f"{path} is not installed: run `make e2e-clients`"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs them; missing there is a failure
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def proxy() -> Iterator[Servers]:
    with servers() as running:
        yield running


def calls_for(proxy: Servers, marker: str) -> list[Seen]:
    return [s for s in proxy.double.seen if marker in json.dumps(s.body)]


def clean_env(home: Path) -> dict[str, str]:
    """The user's environment without any vendor setting that could reach a real API."""
    keep = {"PATH", "LANG", "LC_ALL", "TERM", "TMPDIR", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["HOME"] = str(home)
    return env


def claude(
    proxy: Servers, upstream: str, prompt: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = clean_env(home) | {
        "ANTHROPIC_BASE_URL": proxy.proxy_url,
        "ANTHROPIC_API_KEY": "sk-ant-e2e-client",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
    }
    return subprocess.run(
        [
            str(cli("claude")),
            "-p",
            prompt,
            "--model",
            model_for(upstream),
            "--allowedTools",
            "Bash",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def codex(
    proxy: Servers, upstream: str, prompt: str, tmp_path: Path, *, model: str | None = None
) -> tuple[subprocess.CompletedProcess[str], Path]:
    home = tmp_path / "home"
    codex_home = tmp_path / "codex"
    work = tmp_path / "work"
    for path in (home, codex_home, work):
        path.mkdir()
    (codex_home / "config.toml").write_text(
        f'model = "{model or model_for(upstream)}"\n'
        'model_provider = "crosswalk"\n\n'
        "[model_providers.crosswalk]\n"
        'name = "crosswalk"\n'
        f'base_url = "{proxy.proxy_url}/v1"\n'
        'wire_api = "responses"\n'
        'env_key = "CROSSWALK_API_KEY"\n'
    )
    env = clean_env(home) | {"CODEX_HOME": str(codex_home), "CROSSWALK_API_KEY": "e2e-client"}
    done = subprocess.run(
        [
            str(cli("codex")),
            "exec",
            "--skip-git-repo-check",
            "--dangerously-bypass-approvals-and-sandbox",
            prompt,
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return done, work


def replayed_reasoning(upstream: str, turn: Turn, second: Body) -> None:
    """The first turn's reasoning, back in the second call in the upstream's own form."""
    text = json.dumps(second)
    if upstream == "anthropic":
        thinking = [
            block
            for message in second["messages"]
            if message["role"] == "assistant" and isinstance(message["content"], list)
            for block in message["content"]
            if block["type"] == "thinking"
        ]
        assert [(b["thinking"], b["signature"]) for b in thinking] == [
            (f"I will use a tool for {turn.token}.", turn.signature)
        ]
    elif upstream == "responses":
        reasoning = [i for i in second["input"] if i.get("type") == "reasoning"]
        assert [i["encrypted_content"] for i in reasoning] == [turn.encrypted]
    else:
        assistant = [m for m in second["messages"] if m["role"] == "assistant"]
        assert assistant[-1]["reasoning_content"] == f"I will use a tool for {turn.token}."
    assert "I will use a tool for" in text


# -- Claude Code ---------------------------------------------------------------------------


@pytest.mark.parametrize("upstream", ["chat", "responses"])
def test_claude_code_says_hi_through_another_format(
    proxy: Servers, upstream: str, tmp_path: Path
) -> None:
    done = claude(proxy, upstream, "say hi", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Hi! How can I help you today?" in done.stdout
    first = proxy.double.last(upstream)
    assert "tools" in first.body and first.body["stream"] is True


@pytest.mark.parametrize("upstream", ["chat", "responses"])
def test_claude_code_runs_a_tool_and_replays_its_thinking(
    proxy: Servers, upstream: str, tmp_path: Path
) -> None:
    token = "cc" + secrets.token_hex(4)
    done = claude(proxy, upstream, f"Run the command. scenario:run-{token}", tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"The tool said: {token}" in done.stdout
    first, second = calls_for(proxy, f"scenario:run-{token}")
    assert (
        first.path
        == second.path
        == {"chat": "/v1/chat/completions", "responses": "/v1/responses"}[upstream]
    )
    replayed_reasoning(upstream, Turn(token), second.body)


# -- Codex ---------------------------------------------------------------------------------


@pytest.mark.parametrize("upstream", ["anthropic", "chat"])
def test_codex_runs_exec_command_and_replays_its_reasoning(
    proxy: Servers, upstream: str, tmp_path: Path
) -> None:
    token = "cx" + secrets.token_hex(4)
    done, _ = codex(proxy, upstream, f"Run it. scenario:run-{token}", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "The tool said:" in done.stdout and token in done.stdout
    first, second = calls_for(proxy, f"scenario:run-{token}")
    assert (
        first.path
        == second.path
        == {"anthropic": "/v1/messages", "chat": "/v1/chat/completions"}[upstream]
    )
    replayed_reasoning(upstream, Turn(token), second.body)


@pytest.mark.parametrize("upstream", ["anthropic", "chat"])
def test_codex_applies_a_patch_through_another_format(upstream: str, tmp_path: Path) -> None:
    """apply_patch is a custom (free-form) tool: Chat has custom tools, Anthropic takes
    it as a function of `{"input": text}`; either way Codex gets its patch back as a
    custom tool call and applies it. Codex declares apply_patch only for a model it
    knows, so the proxy routes that name (gpt-5.5) to the upstream."""
    token = "px" + secrets.token_hex(4)
    route = {"model": "gpt-5.5", "upstream": upstream, "upstream_model": UPSTREAM_MODELS[upstream]}
    with servers(routes=[route]) as proxy:
        done, work = codex(
            proxy, upstream, f"Make the file. scenario:patch-{token}", tmp_path, model="gpt-5.5"
        )
        calls = calls_for(proxy, f"scenario:patch-{token}")
    assert done.returncode == 0, done.stderr
    assert (work / f"{token}.txt").read_text() == f"made by crosswalk e2e {token}\n"
    first, second = calls
    assert first.body["tools"] == second.body["tools"]
    replayed_reasoning(upstream, Turn(token), second.body)


def test_the_clis_are_the_pinned_versions() -> None:
    versions = {
        name: subprocess.run(
            [str(cli(name)), "--version"], capture_output=True, text=True, timeout=60
        ).stdout
        for name in ("claude", "codex")
    }
    assert "2.1.328" in versions["claude"]
    assert "0.169.0" in versions["codex"]
    assert shutil.which("node") is not None
