"""Images and documents: data URLs, URL sources and their Anthropic/Chat shapes.

Pure helpers used by `messages`; they return target objects or raise through the
context, and never decode base64 payloads except a `text/plain` document (Anthropic's
plain-text source carries text, not base64).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, NamedTuple

from crosswalk.transforms._context import Context

ANTHROPIC_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_MEDIA_ALIASES = {"image/jpg": "image/jpeg"}
DEFAULT_PDF_NAME = "document.pdf"


class DataURL(NamedTuple):
    media_type: str
    is_base64: bool
    data: str


def parse_data_url(url: str) -> DataURL | None:
    """Split `data:<mt>[;base64],<data>`; None when `url` is not a data URL.

    >>> parse_data_url("data:image/png;base64,AAAA")
    DataURL(media_type='image/png', is_base64=True, data='AAAA')
    """
    if not url.startswith("data:"):
        return None
    header, sep, data = url[5:].partition(",")
    if not sep:
        return None
    params = header.split(";")
    media_type = params[0].strip().lower() or "text/plain"
    return DataURL(_MEDIA_ALIASES.get(media_type, media_type), "base64" in params[1:], data)


def data_url(media_type: str, data: str) -> str:
    """A base64 data URL.

    >>> data_url("image/png", "AAAA")
    'data:image/png;base64,AAAA'
    """
    return f"data:{media_type};base64,{data}"


# -- chat -> anthropic ------------------------------------------------------------


def image_source_from_url(url: str, ctx: Context, pointer: str) -> dict[str, Any]:
    """A Chat `image_url.url` -> an Anthropic image source (base64 or url).

    Refuses (at `pointer`) what Anthropic cannot take: other schemes, non-base64 data
    URLs and media types other than jpeg/png/gif/webp.

    >>> image_source_from_url("https://x/a.png", None, "")  # type: ignore[arg-type]
    {'type': 'url', 'url': 'https://x/a.png'}
    """
    if url.startswith(("https://", "http://")):
        return {"type": "url", "url": url}
    parsed = parse_data_url(url)
    if parsed is None:
        ctx.refuse(pointer, "Anthropic images take http(s) URLs or base64 data URLs only")
    if not parsed.is_base64 or parsed.media_type not in ANTHROPIC_IMAGE_TYPES:
        ctx.refuse(
            pointer,
            f"Anthropic images take base64 {sorted(ANTHROPIC_IMAGE_TYPES)}, not {parsed.media_type}",
        )
    return {"type": "base64", "media_type": parsed.media_type, "data": parsed.data}


def document_source_from_file_data(file_data: str, ctx: Context, pointer: str) -> dict[str, Any]:
    """A Chat `file.file_data` (data URL, or bare base64 PDF as OpenAI documents it) ->
    an Anthropic document source: PDF -> base64 source, text/plain -> text source.

    >>> document_source_from_file_data("data:text/plain;base64,aGk=", None, "")  # type: ignore[arg-type]
    {'type': 'text', 'media_type': 'text/plain', 'data': 'hi'}
    """
    parsed = parse_data_url(file_data)
    if parsed is None:
        return {"type": "base64", "media_type": "application/pdf", "data": file_data}
    if parsed.media_type == "application/pdf" and parsed.is_base64:
        return {"type": "base64", "media_type": "application/pdf", "data": parsed.data}
    if parsed.media_type.startswith("text/"):
        return {
            "type": "text",
            "media_type": "text/plain",
            "data": _decode_text(parsed, ctx, pointer),
        }
    ctx.refuse(pointer, f"Anthropic documents take PDF or plain text, not {parsed.media_type}")


def _decode_text(parsed: DataURL, ctx: Context, pointer: str) -> str:
    if not parsed.is_base64:
        from urllib.parse import unquote

        return unquote(parsed.data)
    try:
        return base64.b64decode(parsed.data, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        ctx.refuse(pointer, "text file_data is not valid base64 UTF-8")


# -- anthropic -> chat ------------------------------------------------------------


def image_part_from_source(source: dict[str, Any]) -> dict[str, Any] | None:
    """An Anthropic image source -> a Chat image_url part; None for a `file` source.

    >>> image_part_from_source({"type": "url", "url": "https://x/a.png"})
    {'type': 'image_url', 'image_url': {'url': 'https://x/a.png'}}
    """
    kind = source.get("type")
    if kind == "base64":
        return {
            "type": "image_url",
            "image_url": {"url": data_url(source["media_type"], source["data"])},
        }
    if kind == "url":
        return {"type": "image_url", "image_url": {"url": source["url"]}}
    return None


def pdf_file_part(source: dict[str, Any], title: str | None) -> dict[str, Any]:
    """An Anthropic base64 PDF source -> a Chat `file` part (title as filename).

    >>> pdf_file_part({"type": "base64", "media_type": "application/pdf", "data": "JVBE"}, None)
    {'type': 'file', 'file': {'file_data': 'data:application/pdf;base64,JVBE', 'filename': 'document.pdf'}}
    """
    return {
        "type": "file",
        "file": {
            "file_data": data_url("application/pdf", source["data"]),
            "filename": title or DEFAULT_PDF_NAME,
        },
    }
