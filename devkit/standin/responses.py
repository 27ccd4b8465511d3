"""What response_urls do when POSTed to: ephemeral or in-channel replies, edits, deletes."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from devkit.standin import validate
from devkit.standin.errors import SlackError
from devkit.standin.models import JSON, Conversation, Ephemeral, ResponseUrl
from devkit.standin.state import RESPONSE_URL_TTL, RESPONSE_URL_USES, Workspace


def respond(ws: Workspace, ticket: str, body: bytes, content_type: str) -> tuple[int, JSON]:
    """Apply a POST to a response_url; the HTTP status and JSON body to answer with."""
    url = ws.response_urls.get(ticket)
    if url is None:
        return 404, {"ok": False, "error": "invalid_url"}
    if ws.clock.time() - url.issued_at > RESPONSE_URL_TTL:
        return 404, {"ok": False, "error": "expired_url"}
    if url.uses >= RESPONSE_URL_USES:
        return 404, {"ok": False, "error": "used_url"}
    try:
        payload = _payload(body, content_type)
        url.uses += 1
        _apply(ws, url, payload)
    except SlackError as exc:
        return 400, exc.body()
    return 200, {"ok": True}


def _payload(body: bytes, content_type: str) -> JSON:
    text = body.decode("utf-8", "replace")
    if "application/x-www-form-urlencoded" in content_type:
        text = dict(parse_qsl(text)).get("payload", "")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SlackError("invalid_payload") from exc
    if not isinstance(payload, dict):
        raise SlackError("invalid_payload")
    return payload


def _apply(ws: Workspace, url: ResponseUrl, payload: JSON) -> None:
    if payload.get("delete_original"):
        _delete_original(ws, url)
        return
    content = validate.message_content(
        payload.get("text"), payload.get("blocks"), payload.get("attachments")
    )
    if payload.get("replace_original") and url.message_ts:
        _replace_original(ws, url, content)
    elif payload.get("response_type") == "in_channel":
        text, blocks, attachments = content
        thread_ts = payload.get("thread_ts")
        ws.post(
            _conversation(ws, url.channel),
            text=text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=str(thread_ts) if thread_ts else None,
        )
    else:
        text, blocks, attachments = content
        ts = ws.ts.next(ws.clock.time())
        channel = _conversation(ws, url.channel).id
        ws.messages.ephemerals.append(
            Ephemeral(ts, channel, url.user, text, blocks, attachments, via="response_url")
        )


Content = tuple[str, list[JSON] | None, list[JSON] | None]


def _replace_original(ws: Workspace, url: ResponseUrl, content: Content) -> None:
    channel = _conversation(ws, url.channel).id
    msg = ws.messages.get(channel, url.message_ts or "")
    if msg is not None:
        msg.revise(*content, ws.ts.next(ws.clock.time()))
        return
    ephemeral = _ephemeral(ws, channel, url)
    ephemeral.text, ephemeral.blocks, ephemeral.attachments = content


def _delete_original(ws: Workspace, url: ResponseUrl) -> None:
    channel = _conversation(ws, url.channel).id
    if ws.messages.get(channel, url.message_ts or "") is not None:
        ws.messages.delete(channel, url.message_ts or "")
    elif url.message_ts:
        ws.messages.ephemerals.remove(_ephemeral(ws, channel, url))


def _ephemeral(ws: Workspace, channel: str, url: ResponseUrl) -> Ephemeral:
    for ephemeral in ws.messages.ephemerals:
        if (ephemeral.channel, ephemeral.ts) == (channel, url.message_ts):
            return ephemeral
    raise SlackError("message_not_found")


def _conversation(ws: Workspace, channel: str) -> Conversation:
    # A response_url works where the interaction happened, member or not.
    conv = ws.directory.conversations.get(channel)
    return conv if conv is not None else ws.directory.resolve(channel)
