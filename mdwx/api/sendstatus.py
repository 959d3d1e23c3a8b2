"""``status`` of a post's 群发 sends: what mdwx recorded, followed with ``message/mass/get``.

A send still ``SENDING`` may be waiting for 群发保护 (an administrator must confirm a send to
all within 30 minutes, or it fails): ``status`` asks WeChat again and records what it says,
so the row tells whether the message reached followers (``docs/reach.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mdwx.errors import MdwxError
from mdwx.wechat.mass_codes import MASS_STATUS_MEANINGS, PROTECTION_NOTE

if TYPE_CHECKING:
    from mdwx.publish.state.store import State
    from mdwx.wechat.client import WeChatClient

#: Final msg_status values: asking again changes nothing.
FINAL = ("SEND_SUCCESS", "SEND_FAIL", "DELETE")


async def follow_sends(
    state: State, client: WeChatClient | None, appid: str, source_path: str
) -> list[dict[str, Any]]:
    """The post's sends as ``status --json`` shows them, each asked anew unless final.

    ``{"msg_id", "msg_data_id", "to", "msg_status", "meaning", "sent_at", "error"}``; a send
    whose answer was lost (still an intent) says so. Never raises for WeChat's answer: a
    failure to ask is the entry's ``error``.
    """
    shown = []
    for send in state.mass_sends(appid, source_path):
        entry: dict[str, Any] = {
            "msg_id": send.msg_id,
            "msg_data_id": send.msg_data_id,
            "to": send.target,
            "msg_status": send.msg_status,
            "sent_at": send.sent_at,
            "meaning": "",
            "error": None,
        }
        if send.status == "sending":
            entry["error"] = "the send's answer was lost: `mdwx send` of the post again settles it"
        elif send.msg_status not in FINAL and client is not None:
            try:
                live = await client.mass_get(send.msg_id)
            except MdwxError as exc:
                entry["error"] = str(exc)
            else:
                state.record_mass_status(appid, send.msg_id, live.msg_status)
                entry["msg_status"] = live.msg_status
        entry["meaning"] = MASS_STATUS_MEANINGS.get(entry["msg_status"], "")
        if entry["msg_status"] == "SENDING" and send.target == "all":
            entry["meaning"] += f"; {PROTECTION_NOTE}"
        shown.append(entry)
    return shown
