"""files.getUploadURLExternal and files.completeUploadExternal (the upload itself is HTTP)."""

from __future__ import annotations

import json

from devkit.standin import validate
from devkit.standin.errors import SlackError, missing_field
from devkit.standin.models import JSON, Conversation, StoredFile
from devkit.standin.request import Args
from devkit.standin.state import Workspace


def get_upload_url(ws: Workspace, args: Args) -> JSON:
    """Reserve a file id and the URL its bytes are POSTed to."""
    filename = args.require("filename")
    if args.get("length") is None:
        raise missing_field("length")
    length = args.integer("length", 0)
    if length <= 0:
        raise SlackError("missing_argument")
    ticket = ws.ids.token(16)
    stored = StoredFile(
        id=ws.ids.new("F"),
        name=filename,
        length=length,
        created=int(ws.clock.time()),
        user=ws.identity.bot_user_id,
        ticket=ticket,
        alt_txt=args.string("alt_txt"),
    )
    ws.files[stored.id] = stored
    ws.upload_tickets[ticket] = stored.id
    return {"upload_url": f"{ws.base_url}upload/v1/{ticket}", "file_id": stored.id}


def complete_upload(ws: Workspace, args: Args) -> JSON:
    """Finish uploads and share the files in one message per conversation."""
    stored = [_uploaded(ws, item) for item in _file_items(args)]
    targets = _targets(ws, args)
    thread_ts = args.string("thread_ts")
    comment = args.string("initial_comment") or ""
    blocks = (
        None
        if comment or args.get("blocks") is None
        else validate.message_blocks(args.get("blocks"))
    )
    for f in stored:
        f.completed = True
    posted = [
        ws.post(conv, text=comment, blocks=blocks, thread_ts=thread_ts, files=[])
        for conv in targets
    ]
    for conv, msg in zip(targets, posted, strict=True):
        for f in stored:
            _add_share(ws, f, conv, msg.ts, msg.thread_ts)
    for msg in posted:
        msg.files = [ws.file_json(f) for f in stored]
    return {"files": [ws.file_json(f) for f in stored]}


def _file_items(args: Args) -> list[JSON]:
    raw = args.get("files")
    if raw is None:
        raise missing_field("files")
    try:
        items = validate.json_value(raw)
    except json.JSONDecodeError as exc:
        raise SlackError(
            "invalid_arguments", messages=["[ERROR] files must be a JSON array"]
        ) from exc
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise SlackError("invalid_arguments", messages=["[ERROR] files must be a JSON array"])
    return items


def _uploaded(ws: Workspace, item: JSON) -> StoredFile:
    stored = ws.files.get(str(item.get("id", "")))
    if stored is None or stored.content is None:
        raise SlackError("file_not_found")
    stored.title = str(item.get("title") or stored.title or stored.name)
    return stored


def _targets(ws: Workspace, args: Args) -> list[Conversation]:
    names = [args.string("channel_id") or ""]
    names += (args.string("channels") or "").split(",")
    targets: list[Conversation] = []
    for name in (n.strip() for n in names if n.strip()):
        try:
            conv = ws.directory.resolve(name)
        except SlackError as exc:
            raise SlackError("invalid_channel") from exc
        if not ws.directory.is_member(conv):
            raise SlackError("posting_to_channel_denied")
        if conv not in targets:
            targets.append(conv)
    return targets


def _add_share(
    ws: Workspace, f: StoredFile, conv: Conversation, ts: str, thread_ts: str | None
) -> None:
    kind = "private" if conv.is_private or conv.is_im or conv.is_mpim else "public"
    share: JSON = {
        "reply_users": [],
        "reply_users_count": 0,
        "reply_count": 0,
        "ts": ts,
        "channel_name": conv.name,
        "team_id": ws.identity.team_id,
        "share_user_id": ws.identity.bot_user_id,
        "source": "UNKNOWN",
        "is_silent_share": False,
    }
    if thread_ts:
        share["thread_ts"] = thread_ts
    f.shares.setdefault(kind, {}).setdefault(conv.id, []).append(share)
