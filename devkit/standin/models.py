"""What the stand-in workspace holds: users, conversations, messages, views, files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JSON = dict[str, Any]


@dataclass
class User:
    """A workspace member (or bot user)."""

    id: str
    name: str
    real_name: str
    email: str | None
    tz: str | None
    is_bot: bool = False
    deleted: bool = False
    is_admin: bool = False
    locale: str = "en-US"


@dataclass
class Conversation:
    """A channel, private channel, IM or MPIM."""

    id: str
    name: str
    created: int
    members: set[str] = field(default_factory=set)
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    is_archived: bool = False
    im_user: str | None = None


@dataclass
class Message:
    """A message in a conversation (top level or a thread reply)."""

    ts: str
    channel: str
    user: str
    text: str
    blocks: list[JSON] | None = None
    attachments: list[JSON] | None = None
    thread_ts: str | None = None
    reply_broadcast: bool = False
    metadata: JSON | None = None
    files: list[JSON] | None = None
    edited: JSON | None = None
    replies: list[str] = field(default_factory=list)
    bot_id: str | None = None
    app_id: str | None = None
    revisions: list[JSON] = field(default_factory=list)  # earlier versions; Slack never shows

    def revise(
        self, text: str, blocks: list[JSON] | None, attachments: list[JSON] | None, ts: str
    ) -> None:
        """Replace the content (an edit at `ts`), keeping the version it replaces."""
        old = {"text": self.text, "blocks": self.blocks, "attachments": self.attachments}
        self.revisions.append({**old, "replaced_at": ts})
        self.text, self.blocks, self.attachments = text, blocks, attachments
        self.edited = {"user": self.user, "ts": ts}


@dataclass
class Ephemeral:
    """A message only one user sees; never part of history."""

    ts: str
    channel: str
    user: str
    text: str
    blocks: list[JSON] | None = None
    attachments: list[JSON] | None = None
    thread_ts: str | None = None
    via: str = "chat.postEphemeral"


@dataclass
class View:
    """A modal in a user's stack, or a user's App Home."""

    id: str
    user_id: str
    body: JSON
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    external_id: str = ""

    def replace(self, body: JSON, new_hash: str) -> None:
        """Take a new definition; an external_id not repeated in it is kept."""
        self.body, self.hash = body, new_hash
        self.external_id = str(body.get("external_id") or self.external_id)


@dataclass
class StoredFile:
    """A file uploaded through files.getUploadURLExternal."""

    id: str
    name: str
    length: int
    created: int
    user: str
    ticket: str
    title: str = ""
    alt_txt: str | None = None
    content: bytes | None = None
    completed: bool = False
    shares: dict[str, dict[str, list[JSON]]] = field(default_factory=dict)


@dataclass
class Trigger:
    """A trigger_id handed to a user's interaction."""

    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url for a command or interaction."""

    channel: str
    user: str
    message_ts: str | None
    issued_at: float
    uses: int = 0


@dataclass(frozen=True)
class RecordedCall:
    """One call the stand-in answered: what was asked, what it said, and when."""

    method: str
    args: JSON
    result: JSON
    status: int
    time: datetime


@dataclass(frozen=True)
class Activity:
    """What a person did in their Slack client that history does not keep as a bot message.

    ``kind`` is ``message`` (typed in a conversation), ``command`` (a slash command),
    ``click`` (a button), ``submit`` (a modal) or ``home`` (opened App Home). The stand-in
    keeps them so that a transcript can show the people's side of a conversation.
    """

    ts: str
    user: str
    channel: str
    kind: str
    text: str
    details: tuple[str, ...] = ()
