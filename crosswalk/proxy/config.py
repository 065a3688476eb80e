"""The proxy's configuration: a `crosswalk.toml` file, flags, or the environment.

Every mistake in a configuration is found at startup and named by its place in the
file (`upstream[1].format`), never discovered by the first request. Keys are read from
environment variables named in the file, so the file itself holds no secret; a key is
never part of a repr, and so never of a log line.

```toml
[server]
host = "127.0.0.1"
port = 8787
loss = "lenient"              # or "strict": a request that would lose data is refused
max_body_bytes = 33554432
client_keys_env = ["CROSSWALK_CLIENT_KEY"]   # optional: clients must present one
state = "~/.local/state/crosswalk/responses.sqlite3"   # Responses kept for previous_response_id

[[upstream]]
name = "vllm"
format = "chat"               # anthropic | chat | responses
base_url = "http://127.0.0.1:8000/v1"
key_env = "VLLM_API_KEY"      # optional
headers = { "x-team" = "eval" }
connect_timeout = 10.0
read_timeout = 600.0
stream = "client"             # or "always" / "never": for an upstream that only streams,
                              # or never does; the proxy accumulates or synthesises

[[route]]
model = "claude-*"            # an exact name, or a glob
upstream = "vllm"
upstream_model = "qwen3-coder"   # optional: the name the upstream knows it by
```

Routes are tried in order; with no route, every model goes to the first upstream under
its own name.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Format = Literal["anthropic", "chat", "responses"]
FORMATS: tuple[Format, ...] = ("anthropic", "chat", "responses")
StreamMode = Literal["client", "always", "never"]
STREAM_MODES: tuple[StreamMode, ...] = ("client", "always", "never")
DEFAULT_PORT = 8787
DEFAULT_BODY_LIMIT = 32 * 1024 * 1024
# Where the vendors' SDKs look for their key and base URL: with no file and no flags,
# the proxy serves what the environment already points at.
_VENDOR_ENV: tuple[tuple[Format, str, str, str], ...] = (
    ("anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
    ("responses", "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1"),
)


MAX_WORKERS = 256


class ConfigError(ValueError):
    """A configuration that cannot be served; the message names the setting."""


@dataclass(frozen=True)
class Upstream:
    name: str
    format: Format
    base_url: str
    key: str | None = field(default=None, repr=False)
    key_env: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    connect_timeout: float = 10.0
    read_timeout: float = 600.0
    stream: StreamMode = "client"

    def streams(self, client_streams: bool) -> bool:
        """Whether this upstream is asked for a stream when the client asks for one or not."""
        return {"client": client_streams, "always": True, "never": False}[self.stream]


@dataclass(frozen=True)
class Route:
    model: str
    upstream: str
    upstream_model: str | None = None

    def matches(self, model: str) -> bool:
        return model == self.model or fnmatch.fnmatchcase(model, self.model)


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    loss: Literal["lenient", "strict"] = "lenient"
    max_body_bytes: int = DEFAULT_BODY_LIMIT
    # Where Responses answered by a non-Responses upstream are kept (state.py): a SQLite
    # file, ":memory:", or "" for state.default_path().
    state: str = ""
    client_keys: frozenset[str] = field(default=frozenset(), repr=False)
    upstreams: tuple[Upstream, ...] = ()
    routes: tuple[Route, ...] = ()
    # Processes serving the port (workers.py); one is the event loop of this process.
    workers: int = 1

    def __post_init__(self) -> None:
        where = "workers (server.workers, --workers)"
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ConfigError(f"{where}: {self.workers} is not between 1 and {MAX_WORKERS}")
        if self.workers > 1 and self.state == ":memory:":
            raise ConfigError(
                f"{where}: {self.workers} workers cannot share an in-memory state "
                "(server.state): a previous_response_id kept by one would be unknown to "
                "the others; give a file"
            )

    def route(self, model: str) -> tuple[Upstream, str] | None:
        """The upstream a client's model goes to and the model name it is sent under;
        None when there is no upstream at all."""
        by_name = {u.name: u for u in self.upstreams}
        for route in self.routes:
            if route.matches(model):
                return by_name[route.upstream], route.upstream_model or model
        if self.upstreams:
            return self.upstreams[0], model
        return None


# -- reading ----------------------------------------------------------------------------


class _Reader:
    """Typed reads from a parsed TOML table, each error naming its place."""

    def __init__(self, table: Mapping[str, Any], where: str, known: Sequence[str]) -> None:
        self.table = table
        self.where = where
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise ConfigError(
                f"{self._at(unknown[0])}: unknown setting (known: {', '.join(known)})"
            )

    def _at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        value = self.table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) and kind is not bool:
            raise ConfigError(f"{self._at(key)}: expected {_name(kind)}, got a boolean")
        if not isinstance(value, kind):
            raise ConfigError(f"{self._at(key)}: expected {_name(kind)}, got {value!r}")
        return value

    def required(self, key: str, kind: type) -> Any:
        value = self.get(key, kind)
        if value is None:
            raise ConfigError(f"{self._at(key)}: required")
        return value

    def choice(self, key: str, choices: Sequence[str], default: str) -> str:
        value: str = self.get(key, str, default)
        if value not in choices:
            raise ConfigError(f"{self._at(key)}: {value!r} is not one of {', '.join(choices)}")
        return value

    def positive(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = self.get(key, kind, default)
        if value <= 0:
            raise ConfigError(f"{self._at(key)}: must be positive, got {value!r}")
        return value


def _name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "a table"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _key(env: Mapping[str, str], var: str | None, where: str) -> str | None:
    """A key from the environment, stripped of the whitespace secret files end with."""
    if var is None:
        return None
    key = (env.get(var) or "").strip()
    if not key:
        raise ConfigError(f"{where}: the environment variable {var} is not set")
    _header_safe(key, f"{where}: the value of {var}")
    return key


def _header_safe(value: str, where: str) -> None:
    """Refuse what an HTTP header cannot carry (a CR or LF would end it; aiohttp would
    refuse every call at the first request instead of the proxy at startup)."""
    if any((ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F for ch in value):
        raise ConfigError(f"{where}: contains a control character, which no header can carry")


def _base_url(url: str, where: str, fmt: str) -> str:
    """The URL the API's paths go under, as each vendor's SDK takes it: OpenAI's with
    `/v1` (`…/v1` + `/chat/completions`), Anthropic's without (`…` + `/v1/messages`).
    An Anthropic URL given with `/v1` is taken without it, as the same place."""
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: {url!r} is not an http:// or https:// URL")
    url = url.rstrip("/")
    if fmt == "anthropic" and url.endswith("/v1"):
        url = url[: -len("/v1")]
    return url


def _upstream(table: Any, where: str, env: Mapping[str, str]) -> Upstream:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    r = _Reader(
        table,
        where,
        (
            "name",
            "format",
            "base_url",
            "key_env",
            "headers",
            "connect_timeout",
            "read_timeout",
            "stream",
        ),
    )
    headers = r.get("headers", dict, {})
    for name, value in headers.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where}.headers.{name}: expected a string, got {value!r}")
        _header_safe(name, f"{where}.headers: the name {name!r}")
        _header_safe(value, f"{where}.headers.{name}")
    key_env = r.get("key_env", str)
    fmt = r.choice("format", FORMATS, "")
    return Upstream(
        name=r.required("name", str),
        format=fmt,  # type: ignore[arg-type]
        base_url=_base_url(r.required("base_url", str), f"{where}.base_url", fmt),
        key=_key(env, key_env, f"{where}.key_env"),
        key_env=key_env,
        headers=dict(headers),
        connect_timeout=float(r.positive("connect_timeout", (int, float), 10.0)),
        read_timeout=float(r.positive("read_timeout", (int, float), 600.0)),
        stream=r.choice("stream", STREAM_MODES, "client"),  # type: ignore[arg-type]
    )


def _route(table: Any, where: str, upstreams: Sequence[Upstream]) -> Route:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    r = _Reader(table, where, ("model", "upstream", "upstream_model"))
    route = Route(
        r.required("model", str), r.required("upstream", str), r.get("upstream_model", str)
    )
    names = [u.name for u in upstreams]
    if route.upstream not in names:
        raise ConfigError(
            f"{where}.upstream: no upstream named {route.upstream!r} "
            f"(upstreams: {', '.join(names) or 'none'})"
        )
    return route


def parse(document: Mapping[str, Any], env: Mapping[str, str]) -> Config:
    """A parsed `crosswalk.toml` -> Config, or ConfigError naming the first mistake."""
    top = _Reader(document, "", ("server", "upstream", "route"))
    server = _Reader(
        top.get("server", dict, {}),
        "server",
        ("host", "port", "loss", "max_body_bytes", "client_keys_env", "state", "workers"),
    )
    port = server.get("port", int, DEFAULT_PORT)
    if not 0 <= port <= 65535:
        raise ConfigError(f"server.port: {port} is not a TCP port")
    keys_env = server.get("client_keys_env", list, [])
    client_keys = frozenset(
        _key(env, _string(var, f"server.client_keys_env[{i}]"), f"server.client_keys_env[{i}]")
        or ""
        for i, var in enumerate(keys_env)
    )
    upstreams = tuple(
        _upstream(t, f"upstream[{i}]", env) for i, t in enumerate(top.get("upstream", list, []))
    )
    names = [u.name for u in upstreams]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(f"upstream[{i}].name: {name!r} is used twice")
    routes = tuple(
        _route(t, f"route[{i}]", upstreams) for i, t in enumerate(top.get("route", list, []))
    )
    return Config(
        host=server.get("host", str, "127.0.0.1"),
        port=port,
        loss=server.choice("loss", ("lenient", "strict"), "lenient"),  # type: ignore[arg-type]
        max_body_bytes=server.positive("max_body_bytes", int, DEFAULT_BODY_LIMIT),
        state=os.path.expanduser(server.get("state", str, "")),
        workers=server.positive("workers", int, 1),
        client_keys=client_keys,
        upstreams=upstreams,
        routes=routes,
    )


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    return value


def load(path: Path, env: Mapping[str, str] | None = None) -> Config:
    """Read and check a `crosswalk.toml`."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    try:
        return parse(document, os.environ if env is None else env)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from None


def from_flags(
    upstreams: Sequence[str],
    *,
    key_env: str | None = None,
    upstream_model: str | None = None,
    port: int | None = None,
    host: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """`--upstream FORMAT=BASE_URL [--upstream-key-env VAR] [--upstream-model NAME]`,
    or, with no upstream flag, the vendors' environment variables; with neither, no
    upstream at all (the proxy still serves health and models, and answers calls with a
    clear error). `upstream_model` sends every call under that one name, whatever model
    the client asked for (Claude Code asks for Claude models by name)."""
    env = os.environ if env is None else env
    found: list[Upstream] = []
    for i, spec in enumerate(upstreams):
        where = f"--upstream {spec}"
        fmt, equals, url = spec.partition("=")
        if not equals or fmt not in FORMATS:
            raise ConfigError(
                f"{where}: expected FORMAT=BASE_URL, FORMAT one of {', '.join(FORMATS)}"
            )
        found.append(
            Upstream(
                name=f"{fmt}-{i}" if len(upstreams) > 1 else fmt,
                format=fmt,
                base_url=_base_url(url, where, fmt),
                key=_key(env, key_env, "--upstream-key-env"),
                key_env=key_env,
            )
        )
    if not upstreams:
        for fmt, key_var, url_var, default_url in _VENDOR_ENV:
            if env.get(key_var):
                found.append(
                    Upstream(
                        name=fmt,
                        format=fmt,
                        base_url=_base_url(env.get(url_var) or default_url, url_var, fmt),
                        key=env[key_var],
                        key_env=key_var,
                    )
                )
    routes: tuple[Route, ...] = ()
    if upstream_model is not None:
        if len(found) != 1:
            raise ConfigError(
                f"--upstream-model: needs exactly one upstream, not {len(found)} "
                "(route several in a crosswalk.toml)"
            )
        routes = (Route("*", found[0].name, upstream_model),)
    elif len(found) > 1 and not upstreams:
        # Both vendors configured: each keeps its own models.
        routes = (Route("claude-*", "anthropic"), Route("*", "responses"))
    return Config(
        host=host or "127.0.0.1",
        port=DEFAULT_PORT if port is None else port,
        upstreams=tuple(found),
        routes=routes,
    )
