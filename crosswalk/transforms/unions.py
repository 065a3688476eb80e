"""The members of the schema unions that transforms dispatch on, by tag -> definition.

A transform meeting a member that has no counterpart in its target applies the table
row of that member's definition (`ctx.apply_drop(definition, ...)`), so it needs each
tag's definition name. These are facts of the source schema (its discriminator
mappings), written once for every direction that reads the same union; which members
a direction converts itself, and which it leaves to their rows, stays in its module.
"""

from collections.abc import Mapping

# anthropic.request content blocks of server tools and beta features: neither OpenAI
# format has a counterpart, so every direction out of Anthropic applies their rows.
ANTHROPIC_REQUEST_SERVER_BLOCKS: Mapping[str, str] = {
    "search_result": "BetaSearchResultBlockParam",
    "server_tool_use": "BetaServerToolUseBlockParam",
    "web_search_tool_result": "BetaWebSearchToolResultBlockParam",
    "web_fetch_tool_result": "BetaWebFetchToolResultBlockParam",
    "advisor_tool_result": "BetaAdvisorToolResultBlockParam",
    "code_execution_tool_result": "BetaCodeExecutionToolResultBlockParam",
    "bash_code_execution_tool_result": "BetaBashCodeExecutionToolResultBlockParam",
    "text_editor_code_execution_tool_result": "BetaTextEditorCodeExecutionToolResultBlockParam",
    "tool_search_tool_result": "BetaToolSearchToolResultBlockParam",
    "mcp_tool_use": "BetaMCPToolUseBlockParam",
    "mcp_tool_result": "BetaRequestMCPToolResultBlockParam",
    "container_upload": "BetaContainerUploadBlockParam",
    "compaction": "BetaCompactionBlockParam",
    "tool_addition": "BetaRequestToolAdditionBlockParam",
    "tool_removal": "BetaRequestToolRemovalBlockParam",
    "mcp_tool_listing": "BetaMCPToolListingBlockParam",
    "fallback": "BetaFallbackBlockParam",
    "tool_reference": "BetaToolReferenceBlockParam",
    "browser_state": "BetaBrowserStateBlockParam",
}

# The response-shaped twins the SDK also accepts in requests (same `type`, so they
# cannot be told apart on the wire; their rows state the same fates), and the response
# fields those twins add.
ANTHROPIC_REQUEST_BLOCK_TWINS: tuple[str, ...] = (
    "BetaServerToolUseBlock",
    "BetaWebSearchToolResultBlock",
    "BetaWebFetchToolResultBlock",
    "BetaAdvisorToolResultBlock",
    "BetaCodeExecutionToolResultBlock",
    "BetaBashCodeExecutionToolResultBlock",
    "BetaTextEditorCodeExecutionToolResultBlock",
    "BetaToolSearchToolResultBlock",
    "BetaMCPToolUseBlock",
    "BetaMCPToolResultBlock",
    "BetaContainerUploadBlock",
    "BetaCompactionBlock",
    "BetaFallbackBlock",
    "BetaMCPToolListingBlock",
    "BetaTextBlock/citations",
    "BetaToolUseBlock/caller",
    "BetaToolUseBlock/toolset_name",
)

# anthropic.response content blocks of server tools other than web search.
ANTHROPIC_RESPONSE_SERVER_BLOCKS: Mapping[str, str] = {
    "web_fetch_tool_result": "BetaWebFetchToolResultBlock",
    "advisor_tool_result": "BetaAdvisorToolResultBlock",
    "code_execution_tool_result": "BetaCodeExecutionToolResultBlock",
    "bash_code_execution_tool_result": "BetaBashCodeExecutionToolResultBlock",
    "text_editor_code_execution_tool_result": "BetaTextEditorCodeExecutionToolResultBlock",
    "tool_search_tool_result": "BetaToolSearchToolResultBlock",
    "mcp_tool_use": "BetaMCPToolUseBlock",
    "mcp_tool_result": "BetaMCPToolResultBlock",
    "container_upload": "BetaContainerUploadBlock",
    "compaction": "BetaCompactionBlock",
    "fallback": "BetaFallbackBlock",
    "mcp_tool_listing": "BetaMCPToolListingBlock",
}

# Citations into the request's own documents: OpenAI annotations cite URLs and files only.
ANTHROPIC_DOCUMENT_CITATIONS: Mapping[str, str] = {
    "char_location": "BetaCitationCharLocation",
    "page_location": "BetaCitationPageLocation",
    "content_block_location": "BetaCitationContentBlockLocation",
    "search_result_location": "BetaCitationSearchResultLocation",
}

# responses.request input items of hosted tools and stateful references.
RESPONSES_REQUEST_ITEMS: Mapping[str, str] = {
    "file_search_call": "ResponseFileSearchToolCallParam",
    "computer_call": "ResponseComputerToolCallParam",
    "computer_call_output": "ComputerCallOutput",
    "web_search_call": "ResponseFunctionWebSearchParam",
    "tool_search_call": "ToolSearchCall",
    "tool_search_output": "ResponseToolSearchOutputItemParamParam",
    "additional_tools": "AdditionalTools",
    "configuration_update": "ResponseConfigurationUpdateItemParamParam",
    "compaction": "ResponseCompactionItemParamParam",
    "image_generation_call": "ImageGenerationCall",
    "code_interpreter_call": "ResponseCodeInterpreterToolCallParam",
    "local_shell_call": "LocalShellCall",
    "local_shell_call_output": "LocalShellCallOutput",
    "shell_call": "ShellCall",
    "shell_call_output": "ShellCallOutput",
    "apply_patch_call": "ApplyPatchCall",
    "apply_patch_call_output": "ApplyPatchCallOutput",
    "mcp_list_tools": "McpListTools",
    "mcp_approval_request": "McpApprovalRequest",
    "mcp_approval_response": "McpApprovalResponse",
    "mcp_call": "McpCall",
    "compaction_trigger": "CompactionTrigger",
    "program": "Program",
    "program_output": "ProgramOutput",
    "item_reference": "ItemReference",
}

# responses.request hosted tools (web search aside, which some targets map).
RESPONSES_HOSTED_TOOLS: Mapping[str, str] = {
    "file_search": "FileSearchToolParam",
    "computer": "ComputerToolParam",
    "computer_use_preview": "ComputerUsePreviewToolParam",
    "mcp": "Mcp",
    "code_interpreter": "CodeInterpreter",
    "programmatic_tool_calling": "ProgrammaticToolCalling",
    "image_generation": "ImageGeneration",
    "local_shell": "LocalShell",
    "shell": "FunctionShellToolParam",
    "tool_search": "ToolSearchToolParam",
    "apply_patch": "ApplyPatchToolParam",
}

# responses.response output items of hosted tools (web search aside) and tool outputs.
RESPONSES_OUTPUT_ITEMS: Mapping[str, str] = {
    "file_search_call": "ResponseFileSearchToolCall",
    "function_call_output": "ResponseFunctionToolCallOutputItem",
    "computer_call": "ResponseComputerToolCall",
    "computer_call_output": "ResponseComputerToolCallOutputItem",
    "program": "Program",
    "program_output": "ProgramOutput",
    "tool_search_call": "ResponseToolSearchCall",
    "tool_search_output": "ResponseToolSearchOutputItem",
    "additional_tools": "ResponseOutputItemAdditionalTools",
    "compaction": "ResponseCompactionItem",
    "image_generation_call": "ImageGenerationCall",
    "code_interpreter_call": "ResponseCodeInterpreterToolCall",
    "local_shell_call": "LocalShellCall",
    "local_shell_call_output": "LocalShellCallOutput",
    "shell_call": "ResponseFunctionShellToolCall",
    "shell_call_output": "ResponseFunctionShellToolCallOutput",
    "apply_patch_call": "ResponseApplyPatchToolCall",
    "apply_patch_call_output": "ResponseApplyPatchToolCallOutput",
    "mcp_call": "McpCall",
    "mcp_list_tools": "McpListTools",
    "mcp_approval_request": "McpApprovalRequest",
    "mcp_approval_response": "ResponseOutputItemMcpApprovalResponse",
    "custom_tool_call_output": "ResponseCustomToolCallOutputItem",
}

# chat.response usage details with no counterpart elsewhere, per details definition,
# and the usage field that holds each definition.
CHAT_USAGE_DETAILS: Mapping[str, tuple[str, ...]] = {
    "PromptTokensDetails": ("audio_tokens", "image_tokens", "text_tokens"),
    "CompletionTokensDetails": (
        "accepted_prediction_tokens",
        "rejected_prediction_tokens",
        "audio_tokens",
        "text_tokens",
    ),
}
CHAT_DETAILS_FIELD: Mapping[str, str] = {
    "PromptTokensDetails": "prompt_tokens_details",
    "CompletionTokensDetails": "completion_tokens_details",
}
