"""The one lookup everything goes through: `convert(pair, kind)`.

The proxy, the CLI and the stream engine never import a generated module by name; they
ask here. Generated modules are imported lazily so that `import crosswalk` stays cheap
and a pair that is not built yet is a clean `UnsupportedPair`, not an ImportError.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

from crosswalk.generated.converters import CONVERTERS
from crosswalk.generated.policy import POLICY
from crosswalk.loss import LossEntry
from crosswalk.transforms import Context, FieldRule, Options
from crosswalk.validate import validate

Format = Literal["anthropic", "chat", "responses"]
Kind = Literal["request", "response", "error"]
FORMATS: tuple[Format, ...] = ("anthropic", "chat", "responses")
SCHEMA_IDS: dict[tuple[str, str], str] = {
    ("anthropic", "request"): "anthropic.request",
    ("anthropic", "response"): "anthropic.response",
    ("anthropic", "error"): "anthropic.error",
    ("chat", "request"): "chat.request",
    ("chat", "response"): "chat.response",
    ("chat", "error"): "chat.error",
    ("responses", "request"): "responses.request",
    ("responses", "response"): "responses.response",
    ("responses", "error"): "responses.error",
}

ConverterFn = Callable[[Mapping[str, Any], Context], dict[str, Any]]


_DEFAULT_OPTIONS = Options(policy=POLICY)


class UnsupportedPair(LookupError):
    """No table exists (yet) for this source/target/kind."""


@dataclass(frozen=True, slots=True)
class Converter:
    source: str
    target: str
    kind: str
    fn: ConverterFn
    rules: Mapping[str, FieldRule]


@dataclass(frozen=True, slots=True)
class Conversion:
    """A converted body and what it lost on the way."""

    result: dict[str, Any]
    loss: tuple[LossEntry, ...]

    def loss_json(self) -> list[dict[str, str]]:
        return [e.to_json() for e in self.loss]


@cache
def convert(pair: tuple[str, str], kind: str) -> Converter:
    """The converter for `pair` = (source format, target format) and `kind`."""
    try:
        module_name, fn_name = CONVERTERS[(pair[0], pair[1], kind)]
    except KeyError:
        raise UnsupportedPair(f"{kind} {pair[0]} -> {pair[1]}: not supported yet") from None
    module = importlib.import_module(f"crosswalk.generated.converters.{module_name}")
    return Converter(pair[0], pair[1], kind, getattr(module, fn_name), module.RULES)


def custom_tool_names(source: str, request: Mapping[str, Any]) -> frozenset[str]:
    """Names of the custom (free-form input) tools a `source`-format request declares.

    Pass them as `Options(custom_tools=...)` when converting the reply to that request
    back to `source`, so tool calls to them come back as custom tool calls. Anthropic has
    no custom tools, so an Anthropic request declares none.

    >>> custom_tool_names("responses", {"tools": [{"type": "custom", "name": "apply_patch"},
    ...                                           {"type": "function", "name": "f"}]})
    frozenset({'apply_patch'})
    >>> custom_tool_names("chat", {"tools": [{"type": "custom", "custom": {"name": "g"}}]})
    frozenset({'g'})
    """
    names: set[str] = set()
    for tool in request.get("tools") or ():
        if not isinstance(tool, Mapping) or tool.get("type") != "custom":
            continue
        holder = tool.get("custom") if source == "chat" else tool
        if isinstance(holder, Mapping) and isinstance(holder.get("name"), str):
            names.add(holder["name"])
    return frozenset(names)


def run(
    source: str,
    target: str,
    kind: str,
    body: Any,
    options: Options | None = None,
    *,
    check_input: bool = True,
) -> Conversion:
    """Validate `body` against its own schema, convert it, and return result + loss.

    Raises `InvalidRequestError` (input fails its schema), `RefusedError` (a row refuses a
    field) or `LossError` (strict mode); all three are `ConversionError`s.
    """
    conv = convert((source, target), kind)
    if check_input:
        validate(SCHEMA_IDS[(source, kind)], body)
    if options is None:
        options = _DEFAULT_OPTIONS
    elif options.policy is None:
        options = replace(options, policy=POLICY)
    ctx = Context(body, conv.rules, options)
    result = conv.fn(body, ctx)
    return Conversion(result, tuple(ctx.loss.entries))
