"""The JSON shapes Slack uses for users, conversations, messages, views and files."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from typing import Any

from devkit.standin.models import JSON, Conversation, Ephemeral, Message, StoredFile, User, View
from devkit.standin.timezones import tz_fields


def user_json(user: User, *, team_id: str, at: datetime, bot_id: str, app_id: str) -> JSON:
    """A user object as users.info and users.list give it."""
    profile: JSON = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "team": team_id,
        "status_text": "",
        "status_emoji": "",
        "image_48": f"https://avatars.example.invalid/{user.id}_48.png",
    }
    if user.email and not user.is_bot:
        profile["email"] = user.email
    if user.is_bot:
        profile.update({"bot_id": bot_id, "api_app_id": app_id, "always_active": True})
    return {
        "id": user.id,
        "team_id": team_id,
        "name": user.name,
        "deleted": user.deleted,
        "color": "9f69e7",
        "real_name": user.real_name,
        **tz_fields(user.tz, at),
        "profile": profile,
        "is_admin": user.is_admin,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": int(at.timestamp()),
        "locale": user.locale,
    }


def conversation_json(conv: Conversation, *, bot_user_id: str, deleted_user: bool) -> JSON:
    """A conversation object as conversations.info and conversations.open give it."""
    if conv.is_im:
        return {
            "id": conv.id,
            "created": conv.created,
            "is_im": True,
            "is_org_shared": False,
            "user": conv.im_user,
            "is_user_deleted": deleted_user,
            "priority": 0,
        }
    empty_text = {"value": "", "creator": "", "last_set": 0}
    return {
        "id": conv.id,
        "name": conv.name,
        "name_normalized": conv.name,
        "is_channel": not conv.is_mpim,
        "is_group": False,
        "is_im": False,
        "is_mpim": conv.is_mpim,
        "is_private": conv.is_private or conv.is_mpim,
        "created": conv.created,
        "is_archived": conv.is_archived,
        "is_general": False,
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_member": bot_user_id in conv.members,
        "creator": "",
        "topic": dict(empty_text),
        "purpose": dict(empty_text),
    }


def message_json(msg: Message, *, team_id: str, include_metadata: bool = True) -> JSON:
    """A message object as the chat methods and conversations.history give it."""
    out: JSON = {"type": "message", "user": msg.user, "text": msg.text, "ts": msg.ts}
    out["team"] = team_id
    if msg.bot_id:
        out["bot_id"] = msg.bot_id
        out["app_id"] = msg.app_id
    _put(out, "blocks", msg.blocks)
    _put(out, "attachments", msg.attachments)
    _put(out, "files", msg.files)
    if msg.files:
        out["upload"] = True
    _put(out, "edited", msg.edited)
    if include_metadata:
        _put(out, "metadata", msg.metadata)
    if msg.thread_ts:
        out["thread_ts"] = msg.thread_ts
    if msg.reply_broadcast:
        out["subtype"] = "thread_broadcast"
    return out


def thread_fields(replies: list[Message]) -> JSON:
    """The reply summary Slack puts on a thread's parent."""
    if not replies:
        return {}
    users = sorted({r.user for r in replies})
    return {
        "reply_count": len(replies),
        "reply_users_count": len(users),
        "reply_users": users,
        "latest_reply": replies[-1].ts,
        "is_locked": False,
        "subscribed": False,
    }


def view_json(view: View, *, team_id: str, bot_id: str, app_id: str) -> JSON:
    """A view object as the views.* methods give it."""
    body = view.body
    return {
        "id": view.id,
        "team_id": team_id,
        "type": body.get("type", "modal"),
        "title": body.get("title"),
        "submit": body.get("submit"),
        "close": body.get("close"),
        "blocks": body.get("blocks", []),
        "private_metadata": body.get("private_metadata", ""),
        "callback_id": body.get("callback_id", ""),
        "external_id": view.external_id,
        "state": {"values": {}},
        "hash": view.hash,
        "clear_on_close": bool(body.get("clear_on_close", False)),
        "notify_on_close": bool(body.get("notify_on_close", False)),
        "root_view_id": view.root_view_id,
        "previous_view_id": view.previous_view_id,
        "app_id": app_id,
        "app_installed_team_id": team_id,
        "bot_id": bot_id,
    }


def file_json(f: StoredFile, *, team_id: str, base_url: str) -> JSON:
    """A file object as files.completeUploadExternal gives it."""
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else "binary"
    url = f"{base_url}files/{f.id}/{f.name}"
    return {
        "id": f.id,
        "created": f.created,
        "timestamp": f.created,
        "name": f.name,
        "title": f.title or f.name,
        "mimetype": mimetypes.guess_type(f.name)[0] or "application/octet-stream",
        "filetype": ext,
        "pretty_type": ext.upper(),
        "user": f.user,
        "user_team": team_id,
        "editable": False,
        "size": len(f.content) if f.content is not None else f.length,
        "mode": "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": bool(f.shares.get("public")),
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": url,
        "url_private_download": url + "?download=1",
        "permalink": url,
        "file_access": "visible",
        "comments_count": 0,
        "shares": {kind: dict(by_channel) for kind, by_channel in f.shares.items()},
        "channels": sorted(f.shares.get("public", {})),
        "groups": sorted(c for c in f.shares.get("private", {}) if not c.startswith("D")),
        "ims": sorted(c for c in f.shares.get("private", {}) if c.startswith("D")),
        "has_rich_preview": False,
    }


def ephemeral_json(e: Ephemeral) -> JSON:
    """An ephemeral message as the stand-in reports it (Slack never shows them again)."""
    out: JSON = {"channel": e.channel, "user": e.user, "ts": e.ts, "text": e.text, "via": e.via}
    _put(out, "blocks", e.blocks)
    _put(out, "attachments", e.attachments)
    _put(out, "thread_ts", e.thread_ts)
    return out


def _put(out: JSON, key: str, value: Any) -> None:
    if value:
        out[key] = value
