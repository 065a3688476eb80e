"""Response and output-item ids, derived from the source response's id.

Each format marks its ids with a prefix (`msg_`, `chatcmpl-`, `resp_`; Responses items
`msg_`, `rs_`, `fc_`, `ctc_`, `ws_`). A converted response keeps the source id's body
under the target's prefix, so logs on both sides of a proxy can be matched by eye and a
conversion is deterministic (golden tests compare ids). Only an id with no body at all
gets a random one.
"""

from __future__ import annotations

import uuid

RESPONSE_PREFIX: dict[str, str] = {"anthropic": "msg_", "chat": "chatcmpl-", "responses": "resp_"}
_KNOWN = ("chatcmpl-", "resp_", "msg_")


def core(source_id: str) -> str:
    """The id without its format prefix (a random hex body if nothing is left).

    >>> core("msg_01XFDUDYJgAACzvnptvVoYEL"), core("chatcmpl-abc123"), core("resp_68af")
    ('01XFDUDYJgAACzvnptvVoYEL', 'abc123', '68af')
    >>> len(core("msg_"))
    32
    """
    for prefix in _KNOWN:
        if source_id.startswith(prefix):
            source_id = source_id[len(prefix) :]
            break
    return source_id or uuid.uuid4().hex


def response_id(target: str, source_id: str) -> str:
    """The converted response's id in the `target` format.

    >>> response_id("chat", "msg_01XF"), response_id("responses", "chatcmpl-ab")
    ('chatcmpl-01XF', 'resp_ab')
    """
    return RESPONSE_PREFIX[target] + core(source_id)


def item_id(prefix: str, source_id: str, index: int) -> str:
    """A Responses output item id: `<prefix>_<core>_<index>`, unique within the response.

    >>> item_id("rs", "msg_01XF", 0), item_id("fc", "msg_01XF", 2)
    ('rs_01XF_0', 'fc_01XF_2')
    """
    return f"{prefix}_{core(source_id)}_{index}"
