"""Tools and tool choice, both directions: Responses `tools` / `tool_choice` /
`parallel_tool_calls` <-> Anthropic `tools` / `tool_choice`.

Function tools map field for field (schemas by reference). A custom (free-form) tool
becomes an Anthropic tool taking `{"input": string}` (tools.custom_tool_input_schema);
Anthropic has no custom tools, so the knowledge of which tools were custom stays with the
caller: `crosswalk.convert.custom_tool_names(request)` -> `Options.custom_tools`, used when
converting the reply (and, here, when an Anthropic request travels back to Responses).
OpenAI's web search becomes Anthropic's web search server tool in the version the model
family takes (mappings/models.yaml `web_search_tool`) and back. Every other hosted tool
(file search, computer use, MCP, code interpreter, image generation, shells, apply_patch,
namespaces, tool search) has no Anthropic counterpart, and the reverse holds for
Anthropic's own tools: a whole-definition row drops each with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.tools import (
    ANTHROPIC_TOOL_DEFS,
    CUSTOM_TOOL_INPUT,
    custom_tool_input_schema,
)
from crosswalk.transforms.unions import RESPONSES_HOSTED_TOOLS

# The name Anthropic's web search server tool always has.
WEB_SEARCH_NAME = "web_search"
# Anthropic web search versions (tools.ANTHROPIC_TOOL_DEFS names their definitions).
ANTHROPIC_WEB_SEARCH_TYPES = frozenset(
    {"web_search_20250305", "web_search_20260209", "web_search_20260318"}
)
# The nested enum rows that bind the `responses_tool_choice` value table (mappings/values.yaml),
# keyed on definitions: the string forms of tool_choice have no definition of their own.
_RESPONSES_CHOICE_TABLE = "ToolChoiceAllowedParam"
_ANTHROPIC_CHOICE_TABLE = "BetaToolChoiceAutoParam"
_ONE_WEB_SEARCH = "Anthropic takes one web search tool; an earlier one was kept"
_CHOICE_WITHOUT_TOOL = (
    "forces a tool Anthropic does not get (no such tool, or a hosted tool the tools rows "
    "drop); the model chooses"
)

# Responses tool `type` -> the definition whose whole-definition row drops it.
RESPONSES_TOOL_DEFS: Mapping[str, str] = {
    **RESPONSES_HOSTED_TOOLS,
    "namespace": "NamespaceToolParam",
}
_WEB_SEARCH_DEFS: Mapping[str, str] = {
    "web_search": "WebSearchToolParam",
    "web_search_2025_08_26": "WebSearchToolParam",
    "web_search_preview": "WebSearchPreviewToolParam",
    "web_search_preview_2025_03_11": "WebSearchPreviewToolParam",
}
# Tool choices that force a hosted tool, by their `type` (ToolChoiceTypesParam's, and the
# definitions of the others): only web search has an Anthropic counterpart.
_CHOICE_DEFS: Mapping[str, str] = {
    "mcp": "ToolChoiceMcpParam",
    "programmatic_tool_calling": "ToolChoiceSpecificProgrammaticToolCallingParam",
    "apply_patch": "ToolChoiceApplyPatchParam",
    "shell": "ToolChoiceShellParam",
}
_TOOL_EXTRAS: Mapping[str, tuple[str, ...]] = {
    "FunctionToolParam": ("allowed_callers", "async", "defer_loading", "output_schema"),
    "CustomToolParam": ("allowed_callers", "async", "defer_loading", "format"),
}

# ================================================================================
# responses -> anthropic
# ================================================================================


def _function_tool(tool: Mapping[str, Any], ctx: Context, pointer: str) -> dict[str, Any]:
    """A Responses function tool -> an Anthropic tool (parameters as input_schema, by
    reference; none -> an empty object schema, as Anthropic requires one).

    strict true is kept; false is Anthropic's default and is not written.
    """
    apply_drops(ctx, "FunctionToolParam", tool, _TOOL_EXTRAS["FunctionToolParam"], pointer)
    out: dict[str, Any] = {"name": tool["name"]}
    if tool.get("description") is not None:
        out["description"] = tool["description"]
    parameters = tool.get("parameters")
    out["input_schema"] = (
        parameters if parameters is not None else {"type": "object", "properties": {}}
    )
    if tool.get("strict"):
        out["strict"] = True
    return out


def _custom_tool(tool: Mapping[str, Any], ctx: Context, pointer: str) -> dict[str, Any]:
    """A Responses custom tool -> an Anthropic tool taking `{"input": string}`; a grammar
    cannot be enforced and is reported by its row (text is neutral)."""
    apply_drops(ctx, "CustomToolParam", tool, _TOOL_EXTRAS["CustomToolParam"], pointer)
    out: dict[str, Any] = {"name": tool["name"]}
    if tool.get("description") is not None:
        out["description"] = tool["description"]
    out["input_schema"] = custom_tool_input_schema()
    return out


def _user_location(location: Mapping[str, Any]) -> dict[str, Any]:
    """OpenAI's approximate location -> Anthropic's (the same fields, nulls left out)."""
    out = {"type": "approximate"}
    out.update({k: v for k, v in location.items() if k != "type" and v is not None})
    return out


def _web_search_tool(tool: Mapping[str, Any], ctx: Context, pointer: str) -> dict[str, Any]:
    """OpenAI web search -> Anthropic's web search server tool, in the family's version."""
    definition = _WEB_SEARCH_DEFS[tool["type"]]
    extras = (
        ("external_web_access", "search_context_size")
        if definition == "WebSearchToolParam"
        else ("search_content_types", "search_context_size")
    )
    apply_drops(ctx, definition, tool, extras, pointer)
    rule = ctx.policy.lookup(str(ctx.src.get("model", "")))
    out: dict[str, Any] = {"type": rule.web_search_tool, "name": WEB_SEARCH_NAME}
    domains = (tool.get("filters") or {}).get("allowed_domains")
    if domains is not None:
        out["allowed_domains"] = domains
    if tool.get("user_location") is not None:
        out["user_location"] = _user_location(tool["user_location"])
    return out


@transform(
    "hosted_tools.responses_to_anthropic",
    source="responses.request",
    target="anthropic.request",
    reads=("/tools",),
    writes=("/tools",),
    handles=(
        *(f"{d}/{k}" for d, keys in _TOOL_EXTRAS.items() for k in keys),
        "WebSearchToolParam/external_web_access",
        "WebSearchToolParam/search_context_size",
        "WebSearchPreviewToolParam/search_content_types",
        "WebSearchPreviewToolParam/search_context_size",
        *RESPONSES_TOOL_DEFS.values(),
    ),
)
def responses_to_anthropic(
    tools: Sequence[Mapping[str, Any]], ctx: Context
) -> list[dict[str, Any]] | None:
    """Responses `tools` -> Anthropic `tools`.

    Function and custom tools become Anthropic (client) tools; web search becomes the
    web search server tool (one: a second is dropped); every other hosted tool is
    dropped by its definition's row. Example: [{"type": "custom", "name": "apply_patch"}]
    -> [{"name": "apply_patch", "input_schema": {"type": "object", "properties":
    {"input": {"type": "string"}}, "required": ["input"]}}].
    """
    out: list[dict[str, Any]] = []
    web_search = False
    for index, tool in enumerate(tools):
        pointer = f"/tools/{index}"
        kind = tool["type"]
        if kind == "function":
            out.append(_function_tool(tool, ctx, pointer))
        elif kind == "custom":
            out.append(_custom_tool(tool, ctx, pointer))
        elif kind in _WEB_SEARCH_DEFS:
            if web_search:
                ctx.dropped(pointer, _ONE_WEB_SEARCH)
                continue
            web_search = True
            out.append(_web_search_tool(tool, ctx, pointer))
        elif (definition := RESPONSES_TOOL_DEFS.get(kind)) is not None:
            ctx.apply_drop(definition, pointer, tool)
        else:
            ctx.dropped(pointer, f"unknown Responses tool type {kind!r}: no row maps it")
    return out or None


def _anthropic_choice(choice: str | Mapping[str, Any], ctx: Context) -> dict[str, Any] | None:
    """One Responses tool_choice -> an Anthropic tool_choice, or None (auto) when it
    forces a hosted tool that was not sent."""
    if isinstance(choice, str):
        return {"type": ctx.map_enum(_RESPONSES_CHOICE_TABLE, choice, "/tool_choice")}
    kind = choice["type"]
    if kind == "allowed_tools":
        ctx.apply_drop("ToolChoiceAllowedParam/tools", "/tool_choice/tools", choice["tools"])
        return {"type": ctx.map_enum(_RESPONSES_CHOICE_TABLE, choice["mode"], "/tool_choice/mode")}
    definition = _CHOICE_DEFS.get(kind)
    if definition is not None:
        ctx.apply_drop(definition, "/tool_choice", choice)
        return None
    sent = {tool["name"] for tool in ctx.out.get("tools") or ()}
    if kind in ("function", "custom"):
        name = choice["name"]
    elif kind in _WEB_SEARCH_DEFS:
        name = WEB_SEARCH_NAME
    else:
        name = None
    if name in sent:
        return {"type": "tool", "name": name}
    ctx.dropped("/tool_choice", _CHOICE_WITHOUT_TOOL)
    return None


@transform(
    "hosted_tools.choice_responses_to_anthropic",
    source="responses.request",
    target="anthropic.request",
    reads=("/tool_choice", "/parallel_tool_calls"),
    writes=("/tool_choice",),
    handles=(
        _RESPONSES_CHOICE_TABLE,
        "ToolChoiceAllowedParam/tools",
        *_CHOICE_DEFS.values(),
    ),
)
def choice_responses_to_anthropic(
    tool_choice: str | Mapping[str, Any] | None,
    parallel_tool_calls: bool | None,
    ctx: Context,
) -> dict[str, Any] | None:
    """`tool_choice` + `parallel_tool_calls` -> Anthropic `tool_choice`.

    Strings and allowed_tools' mode go through the `responses_tool_choice` value table
    (required -> any); a named function or custom tool -> {"type": "tool"}; forcing web
    search names Anthropic's web_search tool; forcing another hosted tool is dropped by
    its row. `parallel_tool_calls: false` -> `disable_parallel_tool_use: true` (on auto
    when no choice was given and tools exist); true is Anthropic's default.
    Example: ("required", False) -> {"type": "any", "disable_parallel_tool_use": True}.
    """
    choice = _anthropic_choice(tool_choice, ctx) if tool_choice is not None else None
    if parallel_tool_calls is False:
        if choice is None and ctx.out.get("tools"):
            choice = {"type": "auto"}
        if choice is not None and choice["type"] != "none":
            choice["disable_parallel_tool_use"] = True
    return choice


# ================================================================================
# anthropic -> responses
# ================================================================================

# BetaToolParam fields with no Responses counterpart, applied through their table rows.
_ANTHROPIC_TOOL_EXTRAS = (
    "cache_control",
    "defer_loading",
    "allowed_callers",
    "input_examples",
    "eager_input_streaming",
)
_WEB_SEARCH_EXTRAS = (
    "allowed_callers",
    "blocked_domains",
    "cache_control",
    "defer_loading",
    "max_uses",
    "strict",
)
# Anthropic web search definition -> the fields Responses' web search has no place for.
_ANTHROPIC_WEB_SEARCH_DEFS: Mapping[str, tuple[str, ...]] = {
    "BetaWebSearchTool20250305Param": _WEB_SEARCH_EXTRAS,
    "BetaWebSearchTool20260209Param": _WEB_SEARCH_EXTRAS,
    "BetaWebSearchTool20260318Param": (*_WEB_SEARCH_EXTRAS, "response_inclusion"),
}
_CHOICE_NOT_FORCEABLE = (
    "forces a tool that Responses does not get as a function (a server tool or one the "
    "tools rows drop); the model chooses"
)
_DROPPED_ANTHROPIC_DEFS = tuple(
    sorted({d for k, d in ANTHROPIC_TOOL_DEFS.items() if k not in ANTHROPIC_WEB_SEARCH_TYPES})
)


def is_custom_tool(tool: Mapping[str, Any], ctx: Context) -> bool:
    """Whether an Anthropic tool is an OpenAI custom tool travelling as `{"input": string}`:
    the caller named it in `Options.custom_tools` and its schema has that shape."""
    schema = tool.get("input_schema") or {}
    properties = schema.get("properties") or {}
    return (
        tool["name"] in ctx.options.custom_tools
        and list(properties) == [CUSTOM_TOOL_INPUT]
        and properties[CUSTOM_TOOL_INPUT].get("type") == "string"
    )


def _responses_tool(tool: Mapping[str, Any], ctx: Context, pointer: str) -> dict[str, Any]:
    """An Anthropic (client) tool -> a Responses function tool, or a custom tool for a
    name in `Options.custom_tools`. `strict` is written as false when absent: Responses
    function tools are strict by default, Anthropic tools are not."""
    apply_drops(ctx, "BetaToolParam", tool, _ANTHROPIC_TOOL_EXTRAS, pointer)
    out: dict[str, Any]
    if is_custom_tool(tool, ctx):
        out = {"type": "custom", "name": tool["name"]}
        if tool.get("description") is not None:
            out["description"] = tool["description"]
        return out
    out = {"type": "function", "name": tool["name"]}
    if tool.get("description") is not None:
        out["description"] = tool["description"]
    out["parameters"] = tool["input_schema"]
    out["strict"] = bool(tool.get("strict", False))
    return out


def _responses_web_search(tool: Mapping[str, Any], ctx: Context, pointer: str) -> dict[str, Any]:
    """Anthropic's web search server tool -> Responses' web search tool."""
    definition = ANTHROPIC_TOOL_DEFS[tool["type"]]
    apply_drops(ctx, definition, tool, _ANTHROPIC_WEB_SEARCH_DEFS[definition], pointer)
    out: dict[str, Any] = {"type": "web_search"}
    if tool.get("allowed_domains") is not None:
        out["filters"] = {"allowed_domains": tool["allowed_domains"]}
    location = tool.get("user_location")
    if location is not None:
        out["user_location"] = _user_location(location)
    return out


@transform(
    "hosted_tools.anthropic_to_responses",
    source="anthropic.request",
    target="responses.request",
    reads=("/tools",),
    writes=("/tools",),
    handles=(
        *(f"BetaToolParam/{key}" for key in _ANTHROPIC_TOOL_EXTRAS),
        *(f"{d}/{k}" for d, keys in _ANTHROPIC_WEB_SEARCH_DEFS.items() for k in keys),
        *_DROPPED_ANTHROPIC_DEFS,
    ),
)
def anthropic_to_responses(
    tools: Sequence[Mapping[str, Any]], ctx: Context
) -> list[dict[str, Any]] | None:
    """Anthropic `tools` -> Responses `tools`.

    Client tools become function tools (custom tools for the names in
    `Options.custom_tools`), the web search server tool becomes Responses' web search;
    Anthropic's other tools are dropped by their definitions' rows, an unknown type is
    reported dropped. Example: [{"name": "f", "input_schema": S}] ->
    [{"type": "function", "name": "f", "parameters": S, "strict": False}].
    """
    out: list[dict[str, Any]] = []
    for index, tool in enumerate(tools):
        pointer = f"/tools/{index}"
        kind = tool.get("type")
        if kind is None or kind == "custom":
            out.append(_responses_tool(tool, ctx, pointer))
        elif kind in ANTHROPIC_WEB_SEARCH_TYPES:
            out.append(_responses_web_search(tool, ctx, pointer))
        elif (definition := ANTHROPIC_TOOL_DEFS.get(str(kind))) is not None:
            ctx.apply_drop(definition, pointer, tool)
        else:
            ctx.dropped(pointer, f"unknown Anthropic tool type {kind!r}: no row maps it")
    return out or None


@transform(
    "hosted_tools.choice_anthropic_to_responses",
    source="anthropic.request",
    target="responses.request",
    reads=("/tool_choice",),
    writes=("/tool_choice", "/parallel_tool_calls"),
    handles=(_ANTHROPIC_CHOICE_TABLE,),
)
def choice_anthropic_to_responses(
    tool_choice: Mapping[str, Any], ctx: Context
) -> tuple[str | dict[str, Any] | None, bool | None]:
    """Anthropic `tool_choice` -> Responses (`tool_choice`, `parallel_tool_calls`).

    auto/any/none go through the `responses_tool_choice` value table; `tool` names a
    function (a custom tool when that tool went out as one); forcing a tool that did not
    go out as a function (web search included) is dropped; `disable_parallel_tool_use: true` ->
    `parallel_tool_calls: false`. Example: {"type": "tool", "name": "f"} ->
    ({"type": "function", "name": "f"}, None).
    """
    kind = tool_choice["type"]
    choice: str | dict[str, Any] | None
    if kind != "tool":
        choice = ctx.map_enum(_ANTHROPIC_CHOICE_TABLE, kind, "/tool_choice/type")
    else:
        name = tool_choice["name"]
        sent = {t["name"]: t["type"] for t in ctx.out.get("tools") or () if "name" in t}
        if name in sent:
            choice = {"type": sent[name], "name": name}
        else:
            ctx.dropped("/tool_choice", _CHOICE_NOT_FORCEABLE)
            choice = None
    parallel = False if tool_choice.get("disable_parallel_tool_use") else None
    return choice, parallel
