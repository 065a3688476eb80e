"""Tool definitions and tool choice: Chat `tools` / `functions` / `web_search_options` /
`tool_choice` / `function_call` / `parallel_tool_calls` <-> Anthropic `tools` / `tool_choice`.

Tool JSON schemas travel by reference (they are the bulk of agent requests). Custom
(free-form text) Chat tools become Anthropic tools taking `{"input": string}`; the
messages transforms map their calls the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform

# The nested enum row that binds the `tool_choice` value table (mappings/values.yaml); it is
# keyed on a definition because the string forms of tool_choice have none of their own.
_CHAT_CHOICE_TABLE = "ChatCompletionAllowedToolsParam"
_ANTHROPIC_CHOICE_TABLE = "BetaToolChoiceAutoParam"
# The property of a custom tool's input that carries its free-form text.
CUSTOM_TOOL_INPUT = "input"
_WEB_SEARCH_TYPE = "web_search_20250305"

# Anthropic tool `type` -> its definition in schemas/anthropic.request.json, whose table
# row (a whole-definition drop) states why it cannot reach Chat.
ANTHROPIC_TOOL_DEFS: Mapping[str, str] = {
    "bash_20241022": "BetaToolBash20241022Param",
    "bash_20250124": "BetaToolBash20250124Param",
    "code_execution_20250522": "BetaCodeExecutionTool20250522Param",
    "code_execution_20250825": "BetaCodeExecutionTool20250825Param",
    "code_execution_20260120": "BetaCodeExecutionTool20260120Param",
    "code_execution_20260521": "BetaCodeExecutionTool20260521Param",
    "browser_toolset_20260801": "BetaBrowserToolset20260801Param",
    "computer_20241022": "BetaToolComputerUse20241022Param",
    "computer_20250124": "BetaToolComputerUse20250124Param",
    "computer_20251124": "BetaToolComputerUse20251124Param",
    "computer_toolset_20260801": "BetaComputerToolset20260801Param",
    "memory_20250818": "BetaMemoryTool20250818Param",
    "text_editor_20241022": "BetaToolTextEditor20241022Param",
    "text_editor_20250124": "BetaToolTextEditor20250124Param",
    "text_editor_20250429": "BetaToolTextEditor20250429Param",
    "text_editor_20250728": "BetaToolTextEditor20250728Param",
    "web_search_20250305": "BetaWebSearchTool20250305Param",
    "web_search_20260209": "BetaWebSearchTool20260209Param",
    "web_search_20260318": "BetaWebSearchTool20260318Param",
    "web_fetch_20250910": "BetaWebFetchTool20250910Param",
    "web_fetch_20260209": "BetaWebFetchTool20260209Param",
    "web_fetch_20260309": "BetaWebFetchTool20260309Param",
    "web_fetch_20260318": "BetaWebFetchTool20260318Param",
    "advisor_20260301": "BetaAdvisorTool20260301Param",
    "tool_search_tool_bm25_20251119": "BetaToolSearchToolBm2520251119Param",
    "tool_search_tool_bm25": "BetaToolSearchToolBm2520251119Param",
    "tool_search_tool_regex_20251119": "BetaToolSearchToolRegex20251119Param",
    "tool_search_tool_regex": "BetaToolSearchToolRegex20251119Param",
    "mcp_toolset": "BetaMCPToolsetParam",
}
# BetaToolParam fields with no Chat counterpart, applied through their table rows.
_ANTHROPIC_TOOL_EXTRAS = (
    "cache_control",
    "defer_loading",
    "allowed_callers",
    "input_examples",
    "eager_input_streaming",
)


def custom_tool_input_schema() -> dict[str, Any]:
    """The input schema of a Chat custom tool on Anthropic: one required string."""
    return {
        "type": "object",
        "properties": {CUSTOM_TOOL_INPUT: {"type": "string"}},
        "required": [CUSTOM_TOOL_INPUT],
    }


def _anthropic_function_tool(fn: Mapping[str, Any]) -> dict[str, Any]:
    """A Chat function definition (or legacy function) -> an Anthropic tool.

    Anthropic requires an input schema; a function without parameters takes no input.
    Example: {"name": "f"} -> {"name": "f", "input_schema": {"type": "object", "properties": {}}}.
    """
    tool: dict[str, Any] = {"name": fn["name"]}
    if (description := fn.get("description")) is not None:
        tool["description"] = description
    parameters = fn.get("parameters")
    tool["input_schema"] = (
        parameters if parameters is not None else {"type": "object", "properties": {}}
    )
    if (strict := fn.get("strict")) is not None:
        tool["strict"] = strict
    return tool


def _anthropic_custom_tool(custom: Mapping[str, Any], pointer: str, ctx: Context) -> dict[str, Any]:
    """A Chat custom tool -> an Anthropic tool taking `{"input": string}`.

    A grammar format cannot be enforced and is reported by its row; text is neutral.
    """
    tool: dict[str, Any] = {"name": custom["name"]}
    if (description := custom.get("description")) is not None:
        tool["description"] = description
    tool["input_schema"] = custom_tool_input_schema()
    if (fmt := custom.get("format")) is not None:
        ctx.apply_drop(
            "ChatCompletionCustomToolParamCustom/format", f"{pointer}/custom/format", fmt
        )
    return tool


def _anthropic_web_search_tool(options: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """Chat `web_search_options` -> Anthropic's web search server tool.

    Example: {"user_location": {"type": "approximate", "approximate": {"city": "Paris"}}} ->
    {"type": "web_search_20250305", "name": "web_search", "user_location":
    {"type": "approximate", "city": "Paris"}}.
    """
    tool: dict[str, Any] = {"type": _WEB_SEARCH_TYPE, "name": "web_search"}
    if (size := options.get("search_context_size")) is not None:
        ctx.apply_drop(
            "WebSearchOptions/search_context_size", "/web_search_options/search_context_size", size
        )
    location = options.get("user_location")
    if location is not None:
        tool["user_location"] = {"type": "approximate", **(location.get("approximate") or {})}
    return tool


@transform(
    "tools.chat_to_anthropic",
    source="chat.request",
    target="anthropic.request",
    reads=("/tools", "/functions", "/web_search_options"),
    writes=("/tools",),
    handles=("ChatCompletionCustomToolParamCustom/format", "WebSearchOptions/search_context_size"),
)
def chat_to_anthropic(
    tools: Sequence[Mapping[str, Any]] | None,
    functions: Sequence[Mapping[str, Any]] | None,
    web_search_options: Mapping[str, Any] | None,
    ctx: Context,
) -> list[dict[str, Any]] | None:
    """`tools` + legacy `functions` + `web_search_options` -> Anthropic `tools`.

    Function tools keep name, description, parameters (as input_schema, by reference)
    and strict; custom tools take `{"input": string}`; legacy functions follow the
    tools; web search becomes Anthropic's web search server tool. Reports a custom tool's
    grammar and a non-default search context size (their rows).
    Example: [{"type": "function", "function": {"name": "f", "parameters": S}}] ->
    [{"name": "f", "input_schema": S}].
    """
    out: list[dict[str, Any]] = []
    for index, item in enumerate(tools or ()):
        if item.get("type") == "custom":
            out.append(_anthropic_custom_tool(item["custom"], f"/tools/{index}", ctx))
        else:
            out.append(_anthropic_function_tool(item["function"]))
    out.extend(_anthropic_function_tool(fn) for fn in functions or ())
    if web_search_options is not None:
        out.append(_anthropic_web_search_tool(web_search_options, ctx))
    return out or None


def _anthropic_choice(
    choice: str | Mapping[str, Any], pointer: str, ctx: Context
) -> dict[str, Any]:
    """One Chat tool_choice (or legacy function_call) -> an Anthropic tool_choice.

    Strings go through the `tool_choice` value table; a named function or custom tool
    becomes `{"type": "tool"}`; allowed_tools keeps its mode, and its allowlist is
    reported by its row. Example: "required" -> {"type": "any"}.
    """
    if isinstance(choice, str):
        return {"type": ctx.map_enum(_CHAT_CHOICE_TABLE, choice, pointer)}
    kind = choice.get("type")
    if kind == "allowed_tools":
        allowed = choice["allowed_tools"]
        ctx.apply_drop(
            "ChatCompletionAllowedToolsParam/tools",
            f"{pointer}/allowed_tools/tools",
            allowed["tools"],
        )
        return {
            "type": ctx.map_enum(
                _CHAT_CHOICE_TABLE, allowed["mode"], f"{pointer}/allowed_tools/mode"
            )
        }
    named: Mapping[str, Any] = (
        choice["custom"] if kind == "custom" else choice.get("function", choice)
    )
    return {"type": "tool", "name": named["name"]}


@transform(
    "tools.choice_chat_to_anthropic",
    source="chat.request",
    target="anthropic.request",
    reads=("/tool_choice", "/function_call", "/parallel_tool_calls"),
    writes=("/tool_choice",),
    handles=(_CHAT_CHOICE_TABLE, "ChatCompletionAllowedToolsParam/tools"),
)
def choice_chat_to_anthropic(
    tool_choice: str | Mapping[str, Any] | None,
    function_call: str | Mapping[str, Any] | None,
    parallel_tool_calls: bool | None,
    ctx: Context,
) -> dict[str, Any] | None:
    """`tool_choice` (or legacy `function_call`) + `parallel_tool_calls` -> `tool_choice`.

    `tool_choice` supersedes `function_call` (reported dropped). `parallel_tool_calls:
    false` becomes `disable_parallel_tool_use: true`, on `{"type": "auto"}` when no choice
    was given and tools exist; true is Anthropic's default.
    Example: ("required", None, False) -> {"type": "any", "disable_parallel_tool_use": True}.
    """
    choice: dict[str, Any] | None = None
    if tool_choice is not None:
        if function_call is not None:
            ctx.dropped("/function_call", "superseded by /tool_choice")
        choice = _anthropic_choice(tool_choice, "/tool_choice", ctx)
    elif function_call is not None:
        choice = _anthropic_choice(function_call, "/function_call", ctx)
    if parallel_tool_calls is False:
        if choice is None and ctx.out.get("tools"):
            choice = {"type": "auto"}
        if choice is not None and choice["type"] != "none":
            choice["disable_parallel_tool_use"] = True
    return choice


def _chat_function_tool(tool: Mapping[str, Any], pointer: str, ctx: Context) -> dict[str, Any]:
    """An Anthropic custom tool -> a Chat function tool; its Anthropic-only fields follow
    their rows. Example: {"name": "f", "input_schema": S} ->
    {"type": "function", "function": {"name": "f", "parameters": S}}.
    """
    fn: dict[str, Any] = {"name": tool["name"]}
    if (description := tool.get("description")) is not None:
        fn["description"] = description
    fn["parameters"] = tool["input_schema"]
    if (strict := tool.get("strict")) is not None:
        fn["strict"] = strict
    apply_drops(ctx, "BetaToolParam", tool, _ANTHROPIC_TOOL_EXTRAS, pointer)
    return {"type": "function", "function": fn}


@transform(
    "tools.anthropic_to_chat",
    source="anthropic.request",
    target="chat.request",
    reads=("/tools",),
    writes=("/tools",),
    handles=(
        *(f"BetaToolParam/{key}" for key in _ANTHROPIC_TOOL_EXTRAS),
        *sorted(set(ANTHROPIC_TOOL_DEFS.values())),
    ),
)
def anthropic_to_chat(
    tools: Sequence[Mapping[str, Any]], ctx: Context
) -> list[dict[str, Any]] | None:
    """Anthropic `tools` -> Chat function tools.

    Custom tools keep name, description, input_schema (as parameters, by reference) and
    strict; every Anthropic-defined tool (server tools, built-in client tools) is
    dropped by its definition's row; an unknown type is reported dropped.
    Example: [{"type": "web_search_20250305", "name": "web_search"}] -> None, dropped /tools/0.
    """
    out: list[dict[str, Any]] = []
    for index, tool in enumerate(tools):
        pointer = f"/tools/{index}"
        kind = tool.get("type")
        if kind is None or kind == "custom":
            out.append(_chat_function_tool(tool, pointer, ctx))
        elif (definition := ANTHROPIC_TOOL_DEFS.get(str(kind))) is not None:
            ctx.apply_drop(definition, pointer, tool)
        else:
            ctx.dropped(pointer, f"unknown Anthropic tool type {kind!r}: no row maps it")
    return out or None


@transform(
    "tools.choice_anthropic_to_chat",
    source="anthropic.request",
    target="chat.request",
    reads=("/tool_choice",),
    writes=("/tool_choice", "/parallel_tool_calls"),
    handles=(_ANTHROPIC_CHOICE_TABLE,),
)
def choice_anthropic_to_chat(
    tool_choice: Mapping[str, Any], ctx: Context
) -> tuple[str | dict[str, Any], bool | None]:
    """Anthropic `tool_choice` -> Chat (`tool_choice`, `parallel_tool_calls`).

    auto/any/none go through the `tool_choice` value table; tool names a function;
    `disable_parallel_tool_use: true` -> `parallel_tool_calls: false`. Reports nothing.
    Example: {"type": "any", "disable_parallel_tool_use": True} -> ("required", False).
    """
    kind = tool_choice["type"]
    choice: str | dict[str, Any]
    if kind == "tool":
        choice = {"type": "function", "function": {"name": tool_choice["name"]}}
    else:
        choice = ctx.map_enum(_ANTHROPIC_CHOICE_TABLE, kind, "/tool_choice/type")
    parallel = False if tool_choice.get("disable_parallel_tool_use") else None
    return choice, parallel
