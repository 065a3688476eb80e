"""crosswalk: exact, table-driven conversion between Anthropic Messages, OpenAI Chat
Completions and OpenAI Responses."""

from crosswalk.errors import ConversionError, InvalidRequestError, LossError, RefusedError
from crosswalk.loss import LossEntry, LossReport

__all__ = [
    "ConversionError",
    "InvalidRequestError",
    "LossEntry",
    "LossError",
    "LossReport",
    "RefusedError",
]
__version__ = "0.1.0"
