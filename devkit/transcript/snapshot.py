"""A transcript of everything in a Slack stand-in: channels, DMs, threads, files, App Homes."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from typing import Any

from devkit.standin import SlackStandin
from devkit.transcript.model import (
    JSON,
    Conversation,
    Entry,
    Home,
    Person,
    Revision,
    StoredFile,
    Transcript,
)


def transcript_of(
    slack: SlackStandin,
    *,
    title: str,
    workspace: str = "",
    summary: Sequence[str] = (),
    channel_tz: str = "UTC",
) -> Transcript:
    """What the stand-in holds now, ready for ``render_transcript``.

    Channel times are shown in `channel_tz`, each DM's in its person's own time zone.
    Conversations the bot never wrote in and nobody acted in are left out.
    """
    people = {u["id"]: _person(u) for u in slack.users()}
    conversations = [_conversation(slack, c, people, channel_tz) for c in slack.conversations()]
    shown = [c for c in conversations if c.entries or c.kind == "channel"]
    channels = [c for c in shown if c.kind == "channel"]
    dms = sorted((c for c in shown if c.kind == "dm"), key=lambda c: c.title.lower())
    return Transcript(
        title=title,
        workspace=workspace or slack.team_id,
        people=people,
        conversations=(*channels, *dms),
        files={f.id: f for f in _files(slack)},
        homes=tuple(_homes(slack, people)),
        summary=tuple(summary),
    )


def _person(user: JSON) -> Person:
    name = str(user.get("real_name") or user.get("name") or user["id"])
    return Person(user["id"], name, user.get("tz"), bool(user.get("is_bot")))


def _conversation(
    slack: SlackStandin, conv: JSON, people: dict[str, Person], channel_tz: str
) -> Conversation:
    cid = str(conv["id"])
    entries = _messages(slack.messages(cid, include_replies=True, include_revisions=True))
    bot = slack.bot_user_id
    entries += [_ephemeral(e, bot) for e in slack.ephemerals(channel=cid) if not e.get("thread_ts")]
    entries += [_activity(a) for a in slack.activity(cid)]
    entries.sort(key=lambda entry: float(entry.ts))
    if conv.get("is_im"):
        person = people.get(str(conv.get("user")))
        name = person.name if person else str(conv.get("user"))
        tz = (person.tz if person else None) or channel_tz
        topic = f"The bot's DM with {name} · times in {tz}"
        return Conversation(cid, name, "dm", tuple(entries), tz, topic)
    name = str(conv.get("name") or cid)
    return Conversation(cid, name, "channel", tuple(entries), channel_tz, f"Times in {channel_tz}")


def _messages(messages: list[JSON]) -> list[Entry]:
    replies: dict[str, list[Entry]] = {}
    tops: list[JSON] = []
    for message in messages:
        thread = message.get("thread_ts")
        if thread and thread != message["ts"]:
            replies.setdefault(str(thread), []).append(_message(message, ()))
        else:
            tops.append(message)
    return [_message(m, tuple(replies.get(str(m["ts"]), ()))) for m in tops]


def _message(message: JSON, replies: tuple[Entry, ...]) -> Entry:
    return Entry(
        ts=str(message["ts"]),
        user=str(message.get("user", "")),
        text=str(message.get("text", "")),
        blocks=_tuple(message.get("blocks")),
        attachments=_tuple(message.get("attachments")),
        files=_tuple(message.get("files")),
        replies=replies,
        revisions=tuple(_revision(r) for r in message.get("revisions", [])),
    )


def _revision(revision: JSON) -> Revision:
    return Revision(
        text=str(revision.get("text", "")),
        blocks=_tuple(revision.get("blocks")),
        attachments=_tuple(revision.get("attachments")),
        replaced_at=str(revision.get("replaced_at", "")),
    )


def _ephemeral(ephemeral: JSON, bot_user_id: str) -> Entry:
    return Entry(
        ts=str(ephemeral["ts"]),
        user=bot_user_id,
        kind="ephemeral",
        text=str(ephemeral.get("text", "")),
        blocks=_tuple(ephemeral.get("blocks")),
        attachments=_tuple(ephemeral.get("attachments")),
        visible_to=str(ephemeral.get("user", "")),
    )


def _activity(activity: JSON) -> Entry:
    ts, user = str(activity["ts"]), str(activity["user"])
    if activity["kind"] == "message":
        return Entry(ts, user, "message_by_person", str(activity["text"]))
    return Entry(
        ts=ts,
        user=user,
        kind="action",
        text=str(activity["text"]),
        details=tuple(activity.get("details", ())),
        action=str(activity["kind"]),
    )


def _files(slack: SlackStandin) -> list[StoredFile]:
    found = []
    for f in slack.files():
        content = f.get("content")
        if not isinstance(content, bytes):
            continue
        mimetype = str(f.get("mimetype") or mimetypes.guess_type(str(f.get("name")))[0] or "")
        found.append(StoredFile(str(f["id"]), str(f.get("name", "")), mimetype, content))
    return found


def _homes(slack: SlackStandin, people: dict[str, Person]) -> list[Home]:
    homes = []
    for user_id in people:
        view = slack.home_view(user_id)
        if view:
            homes.append(Home(user_id, _tuple(view.get("blocks"))))
    return homes


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else ()
