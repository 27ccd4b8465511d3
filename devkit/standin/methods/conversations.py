"""The conversations.* methods."""

from __future__ import annotations

from devkit.standin.errors import SlackError
from devkit.standin.idgen import parse_ts
from devkit.standin.messages import in_window
from devkit.standin.methods.paging import decode_cursor, encode_cursor, page
from devkit.standin.models import JSON, Conversation, Message
from devkit.standin.request import Args
from devkit.standin.state import Workspace

MAX_MPIM_USERS = 8
# conversations.history/replies give apps outside the Marketplace at most 15 items a call.
NON_MARKETPLACE_MAX_ITEMS = 15


def info(ws: Workspace, args: Args) -> JSON:
    """One conversation."""
    conv = ws.directory.conversation(args.require("channel", "channel_not_found"))
    out = ws.conversation_json(conv)
    if args.flag("include_num_members") and not conv.is_im:
        out["num_members"] = len(conv.members)
    return {"channel": out}


def open_(ws: Workspace, args: Args) -> JSON:
    """The bot's DM with one user, or a group DM with several; opened if needed."""
    channel = args.string("channel")
    if channel:
        conv = ws.directory.conversation(channel)
        if not (conv.is_im or conv.is_mpim):
            raise SlackError("method_not_supported_for_channel_type")
        return _opened(ws, conv, args, already=True)
    user_ids = [u.strip() for u in (args.string("users") or "").split(",") if u.strip()]
    if not user_ids:
        raise SlackError("users_list_not_supplied")
    if len(user_ids) > MAX_MPIM_USERS:
        raise SlackError("too_many_users")
    for uid in user_ids:
        if ws.directory.user(uid).deleted:
            raise SlackError("user_disabled")
    if len(user_ids) == 1:
        already = ws.directory.has_dm(user_ids[0])
        return _opened(ws, ws.directory.dm(user_ids[0]), args, already=already)
    conv, already = ws.directory.mpim(user_ids)
    return _opened(ws, conv, args, already=already)


def _opened(ws: Workspace, conv: Conversation, args: Args, *, already: bool) -> JSON:
    body = ws.conversation_json(conv) if args.flag("return_im") else {"id": conv.id}
    out: JSON = {"channel": body}
    if already:
        out.update({"no_op": True, "already_open": True})
    return out


def members(ws: Workspace, args: Args) -> JSON:
    """The members of a conversation, a page at a time."""
    conv = ws.directory.conversation(args.require("channel", "channel_not_found"))
    ids = sorted(conv.members)
    limit = args.integer("limit", 100, error="invalid_limit")
    found, next_cursor = page(ids, ids, kind="member", cursor=args.string("cursor"), limit=limit)
    return {"members": found, "response_metadata": {"next_cursor": next_cursor}}


def history(ws: Workspace, args: Args) -> JSON:
    """A conversation's top-level messages, newest first."""
    conv = _readable(ws, args)
    oldest, latest = _window(args)
    inclusive = args.flag("inclusive")
    found = [
        m
        for m in reversed(ws.messages.top_level(conv.id))
        if in_window(m.ts, oldest, latest, inclusive)
    ]
    return _listing(ws, found, args, default_limit=100)


def replies(ws: Workspace, args: Args) -> JSON:
    """A thread: its parent, then its replies oldest first."""
    conv = _readable(ws, args)
    ts = args.require("ts", "thread_not_found")
    oldest, latest = _window(args)
    inclusive = args.flag("inclusive")
    thread = ws.messages.thread(conv.id, ts)
    found = [thread[0]] + [m for m in thread[1:] if in_window(m.ts, oldest, latest, inclusive)]
    return _listing(ws, found, args, default_limit=1000)


def _readable(ws: Workspace, args: Args) -> Conversation:
    conv = ws.directory.conversation(args.require("channel", "channel_not_found"))
    if not ws.directory.is_member(conv):
        raise SlackError("not_in_channel")
    return conv


def _window(args: Args) -> tuple[str | None, str | None]:
    oldest, latest = args.string("oldest"), args.string("latest")
    if oldest is not None and parse_ts(oldest) is None:
        raise SlackError("invalid_ts_oldest")
    if latest is not None and parse_ts(latest) is None:
        raise SlackError("invalid_ts_latest")
    return oldest, latest


def _listing(ws: Workspace, found: list[Message], args: Args, *, default_limit: int) -> JSON:
    limit = args.integer("limit", default_limit, error="invalid_limit")
    if limit <= 0:
        limit = default_limit
    if not ws.marketplace_app:
        limit = min(limit, NON_MARKETPLACE_MAX_ITEMS)
    cursor = args.string("cursor")
    start = 0
    if cursor:
        wanted = decode_cursor(cursor, "next_ts")
        start = next((i for i, m in enumerate(found) if m.ts == wanted), -1)
        if start < 0:
            raise SlackError("invalid_cursor")
    chunk = found[start : start + limit]
    has_more = start + limit < len(found)
    metadata = args.flag("include_all_metadata")
    out: JSON = {
        "messages": [ws.message_json(m, include_metadata=metadata) for m in chunk],
        "has_more": has_more,
        "pin_count": 0,
    }
    if has_more:
        out["response_metadata"] = {
            "next_cursor": encode_cursor("next_ts", found[start + limit].ts)
        }
    return out
