"""The two errors a conversion can raise.

Callers (the CLI, the proxy, harnesses) need exactly one exception family to catch:
anything else escaping a converter is a bug, and the property tests hold us to that.
"""

from __future__ import annotations


class ConversionError(Exception):
    """A conversion that cannot produce a faithful result.

    `pointer` is the JSON Pointer (RFC 6901) of the source field at fault, so that a
    proxy can answer with a 400 naming it and a CLI user can find it in a large body.
    """

    kind = "conversion_error"

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '/'}: {message}")
        self.pointer = pointer
        self.message = message


class InvalidRequestError(ConversionError):
    """The input does not satisfy its own format's schema: the client's mistake, not ours."""

    kind = "invalid_request"


class RefusedError(ConversionError):
    """A table row refuses this field: the target cannot express it and dropping would mislead."""

    kind = "refused"


class LossError(ConversionError):
    """Strict mode: a drop or coercion that lenient mode would only have reported."""

    kind = "loss"
