"""The chat.* methods."""

from __future__ import annotations

from devkit.standin import validate
from devkit.standin.errors import SlackError
from devkit.standin.messages import is_top_level
from devkit.standin.models import JSON, Conversation, Ephemeral, Message
from devkit.standin.request import Args
from devkit.standin.state import Workspace


def post_message(ws: Workspace, args: Args) -> JSON:
    """Post as the bot; ``channel="U…"`` posts in the bot's DM with that user."""
    conv = _postable(ws, args.require("channel", "channel_not_found"))
    text, blocks, attachments = validate.message_content(
        args.get("text"), args.get("blocks"), args.get("attachments")
    )
    msg = ws.post(
        conv,
        text=text,
        blocks=blocks,
        attachments=attachments,
        thread_ts=args.string("thread_ts"),
        metadata=validate.metadata(args.get("metadata")),
        reply_broadcast=args.flag("reply_broadcast"),
    )
    return {"channel": conv.id, "ts": msg.ts, "message": ws.message_json(msg)}


def update(ws: Workspace, args: Args) -> JSON:
    """Edit one of the bot's messages; blocks and attachments not sent are kept."""
    conv = ws.directory.conversation(args.require("channel", "channel_not_found"))
    msg = _own_message(ws, conv, args.require("ts", "message_not_found"), "cant_update_message")
    text = args.get("text") if args.get("text") is not None else msg.text
    blocks = args.get("blocks") if "blocks" in args.values else msg.blocks
    attachments = args.get("attachments") if "attachments" in args.values else msg.attachments
    content = validate.message_content(text, blocks, attachments)
    if args.get("metadata") is not None:
        msg.metadata = validate.metadata(args.get("metadata"))
    msg.revise(*content, ws.ts.next(ws.clock.time()))
    return {"channel": conv.id, "ts": msg.ts, "text": msg.text, "message": ws.message_json(msg)}


def delete(ws: Workspace, args: Args) -> JSON:
    """Delete one of the bot's messages."""
    conv = ws.directory.conversation(args.require("channel", "channel_not_found"))
    ts = args.require("ts", "message_not_found")
    _own_message(ws, conv, ts, "cant_delete_message")
    ws.messages.delete(conv.id, ts)
    return {"channel": conv.id, "ts": ts}


def post_ephemeral(ws: Workspace, args: Args) -> JSON:
    """Show a message to one member of a conversation only."""
    conv = _postable(ws, args.require("channel", "channel_not_found"))
    user_id = args.require("user", "user_not_in_channel")
    if user_id not in conv.members:
        raise SlackError("user_not_in_channel")
    text, blocks, attachments = validate.message_content(
        args.get("text"), args.get("blocks"), args.get("attachments")
    )
    ts = ws.ts.next(ws.clock.time())
    ephemeral = Ephemeral(ts, conv.id, user_id, text, blocks, attachments, args.string("thread_ts"))
    ws.messages.ephemerals.append(ephemeral)
    return {"message_ts": ts}


def get_permalink(ws: Workspace, args: Args) -> JSON:
    """A link to a message (served by the stand-in)."""
    conv = ws.directory.conversation(args.require("channel", "channel_not_found"))
    msg = ws.messages.require(conv.id, args.require("message_ts", "message_not_found"))
    link = ws.permalink(conv.id, msg.ts)
    if not is_top_level(msg):
        link += f"?thread_ts={msg.thread_ts}&cid={conv.id}"
    return {"channel": conv.id, "permalink": link}


def _postable(ws: Workspace, channel: str) -> Conversation:
    conv = ws.directory.resolve(channel)
    if conv.is_archived:
        raise SlackError("is_archived")
    if not ws.directory.is_member(conv):
        raise SlackError("not_in_channel")
    return conv


def _own_message(ws: Workspace, conv: Conversation, ts: str, error: str) -> Message:
    msg = ws.messages.require(conv.id, ts)
    if msg.user != ws.identity.bot_user_id:
        raise SlackError(error)
    return msg
