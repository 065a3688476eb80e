"""The proxy's configuration: a file, flags or the environment; every mistake found at
startup and named by its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswalk.proxy.config import ConfigError, from_flags, load, parse

GOOD = """
[server]
port = 9000
loss = "strict"
client_keys_env = ["CLIENT_KEY"]

[[upstream]]
name = "vllm"
format = "chat"
base_url = "http://127.0.0.1:8000/v1/"
key_env = "VLLM_KEY"
headers = { "x-team" = "eval" }
read_timeout = 30

[[upstream]]
name = "claude"
format = "anthropic"
base_url = "https://api.anthropic.com/v1"
key_env = "ANTHROPIC_KEY"

[[route]]
model = "claude-*"
upstream = "claude"

[[route]]
model = "gpt-5"
upstream = "vllm"
upstream_model = "qwen3-coder"
"""
ENV = {"CLIENT_KEY": "ck", "VLLM_KEY": "vk", "ANTHROPIC_KEY": "ak"}


def test_a_file_names_upstreams_routes_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.toml"
    path.write_text(GOOD)
    config = load(path, ENV)
    assert (config.port, config.loss, config.client_keys) == (9000, "strict", {"ck"})
    vllm, claude = config.upstreams
    assert vllm.base_url == "http://127.0.0.1:8000/v1"
    # Anthropic's base URL is its SDK's: without /v1, which is part of the path.
    assert claude.base_url == "https://api.anthropic.com"
    assert (vllm.key, vllm.headers, vllm.read_timeout) == ("vk", {"x-team": "eval"}, 30.0)
    assert config.route("claude-sonnet-4-5") == (claude, "claude-sonnet-4-5")
    assert config.route("gpt-5") == (vllm, "qwen3-coder")
    # No route matches: the first upstream, under the client's own model name.
    assert config.route("o3") == (vllm, "o3")


def test_keys_never_appear_in_a_repr(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.toml"
    path.write_text(GOOD)
    text = repr(load(path, ENV))
    assert "vk" not in text and "ak" not in text and "'ck'" not in text
    assert "VLLM_KEY" in text  # the variable's name is what a log may show


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('format = "chat"', 'format = "gemini"'), "upstream[0].format: 'gemini' is not one of"),
        (("port = 9000", "port = 70000"), "server.port: 70000 is not a TCP port"),
        (("port = 9000", 'port = "9000"'), "server.port: expected an integer, got '9000'"),
        (
            ('loss = "strict"', 'loss = "loose"'),
            "server.loss: 'loose' is not one of lenient, strict",
        ),
        (
            ('upstream = "claude"', 'upstream = "claud"'),
            "route[0].upstream: no upstream named 'claud'",
        ),
        (('name = "claude"', 'name = "vllm"'), "upstream[1].name: 'vllm' is used twice"),
        (
            ('base_url = "https://api', 'base_url = "api'),
            "upstream[1].base_url: 'api.anthropic.com/v1' is not",
        ),
        (("read_timeout = 30", "read_timeout = 0"), "upstream[0].read_timeout: must be positive"),
        (("read_timeout = 30", "read_timout = 30"), "upstream[0].read_timout: unknown setting"),
        (
            ('key_env = "VLLM_KEY"', 'key_env = "MISSING"'),
            "upstream[0].key_env: the environment variable MISSING is not set",
        ),
        (('"x-team" = "eval"', '"x-team" = 1'), "upstream[0].headers.x-team: expected a string"),
        (("[server]", "[sever]"), "sever: unknown setting"),
    ],
)
def test_each_mistake_is_named_by_its_place(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    path = tmp_path / "crosswalk.toml"
    assert edit[0] in GOOD
    path.write_text(GOOD.replace(edit[0], edit[1], 1))
    with pytest.raises(ConfigError) as err:
        load(path, ENV)
    assert str(err.value).startswith(f"{path}: {message}"), str(err.value)


def test_files_that_are_not_toml_or_not_there(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load(tmp_path / "missing.toml", ENV)
    broken = tmp_path / "broken.toml"
    broken.write_text("[server\nport = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(broken, ENV)


def test_flags_route_every_model_to_one_upstream() -> None:
    config = from_flags(["chat=http://localhost:8000/v1"], key_env="K", port=8080, env={"K": "s"})
    (upstream,) = config.upstreams
    assert (upstream.format, upstream.base_url, upstream.key, config.port) == (
        "chat",
        "http://localhost:8000/v1",
        "s",
        8080,
    )
    assert config.route("claude-opus-4-7") == (upstream, "claude-opus-4-7")
    with pytest.raises(ConfigError, match="expected FORMAT=BASE_URL"):
        from_flags(["vllm=http://x"], env={})
    with pytest.raises(ConfigError, match="K is not set"):
        from_flags(["chat=http://x"], key_env="K", env={})


def test_the_vendor_environment_is_the_fallback() -> None:
    env = {
        "ANTHROPIC_API_KEY": "a",
        "OPENAI_API_KEY": "o",
        "OPENAI_BASE_URL": "http://127.0.0.1:9999/v1",
    }
    config = from_flags([], env=env)
    anthropic, openai = config.upstreams
    assert (anthropic.format, anthropic.base_url) == ("anthropic", "https://api.anthropic.com")
    assert (openai.format, openai.base_url) == ("responses", "http://127.0.0.1:9999/v1")
    assert config.route("claude-haiku-4-5")[0] is anthropic  # type: ignore[index]
    assert config.route("gpt-5")[0] is openai  # type: ignore[index]


def test_no_upstream_at_all_still_starts() -> None:
    config = from_flags([], env={})
    assert config.upstreams == () and config.route("anything") is None
    assert parse({}, {}).route("x") is None


def test_one_upstream_model_for_every_client_model() -> None:
    config = from_flags(["chat=http://localhost:8000/v1"], upstream_model="qwen3-coder", env={})
    upstream, model = config.route("claude-opus-4-8") or (None, None)
    assert (upstream and upstream.name, model) == ("chat", "qwen3-coder")
    with pytest.raises(ConfigError, match="needs exactly one upstream, not 0"):
        from_flags([], upstream_model="qwen3-coder", env={})


def test_keys_lose_trailing_whitespace_and_headers_refuse_control_characters() -> None:
    upstream = {"name": "u", "format": "chat", "base_url": "http://h/v1", "key_env": "K"}
    config = parse({"upstream": [upstream]}, {"K": "sk-secret\n"})
    assert config.upstreams[0].key == "sk-secret"
    with pytest.raises(ConfigError, match=r"upstream\[0\]\.headers\.x-team: contains a control"):
        parse({"upstream": [upstream | {"headers": {"x-team": "a\r\nb"}}]}, {"K": "k"})


def test_workers_are_counted_and_never_share_an_in_memory_state() -> None:
    assert parse({"server": {"workers": 4, "state": "/tmp/x.sqlite3"}}, {}).workers == 4
    assert parse({}, {}).workers == 1
    with pytest.raises(ConfigError, match=r"server\.workers: must be positive, got 0"):
        parse({"server": {"workers": 0}}, {})
    with pytest.raises(ConfigError, match="is not between 1 and 256"):
        parse({"server": {"workers": 1000}}, {})
    with pytest.raises(ConfigError, match="cannot share an in-memory state"):
        parse({"server": {"workers": 2, "state": ":memory:"}}, {})
