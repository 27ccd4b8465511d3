"""The stand-in workspace: everything Slack would remember, behind one lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from devkit.standin import render
from devkit.standin.clock import StandinClock
from devkit.standin.directory import Directory
from devkit.standin.idgen import IdMaker, TsMaker
from devkit.standin.messages import MessageStore, is_top_level
from devkit.standin.models import (
    JSON,
    Activity,
    Conversation,
    Message,
    RecordedCall,
    ResponseUrl,
    StoredFile,
    Trigger,
    User,
    View,
)

DEFAULT_TOKEN = "xoxb-standin-token"
TRIGGER_TTL = 3.0
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5


@dataclass(frozen=True)
class Identity:
    """Who the workspace and its one bot are, and which tokens it accepts."""

    team_id: str = "T0GOALBOT"
    team_name: str = "Goalbot Stand-in"
    team_domain: str = "goalbot-standin"
    bot_user_id: str = "U0GOALBOT"
    bot_name: str = "goalbot"
    bot_id: str = "B0GOALBOT"
    app_id: str = "A0GOALBOT"
    tokens: frozenset[str] = frozenset({DEFAULT_TOKEN})


class Workspace:
    """Users, conversations, messages, views, files and the call log of one workspace."""

    def __init__(self, identity: Identity, clock: StandinClock, *, marketplace_app: bool) -> None:
        self.lock = threading.RLock()
        self.identity = identity
        self.clock = clock
        self.marketplace_app = marketplace_app
        self.ids = IdMaker()
        self.ts = TsMaker()
        bot = User(identity.bot_user_id, identity.bot_name, identity.bot_name, None, None, True)
        bot.tz = "America/Los_Angeles"
        self.directory = Directory(self.ids, clock, bot)
        self.messages = MessageStore()
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.homes: dict[str, str] = {}
        self.files: dict[str, StoredFile] = {}
        self.upload_tickets: dict[str, str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.calls: list[RecordedCall] = []
        self.scopes: set[str] | None = None  # None: every scope (see devkit.standin.scopes)
        self.activity: list[Activity] = []
        self.base_url = "http://127.0.0.1/"

    def post(
        self,
        conv: Conversation,
        *,
        text: str,
        blocks: list[JSON] | None = None,
        attachments: list[JSON] | None = None,
        thread_ts: str | None = None,
        metadata: JSON | None = None,
        files: list[JSON] | None = None,
        reply_broadcast: bool = False,
    ) -> Message:
        """Store a message from the bot in a conversation and return it."""
        ident = self.identity
        msg = Message(
            ts=self.ts.next(self.clock.time()),
            channel=conv.id,
            user=ident.bot_user_id,
            text=text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=thread_ts or None,
            reply_broadcast=reply_broadcast and bool(thread_ts),
            metadata=metadata,
            files=files,
            bot_id=ident.bot_id,
            app_id=ident.app_id,
        )
        return self.messages.add(msg)

    def new_trigger(self, user_id: str) -> str:
        """Hand a trigger_id to a user's interaction, valid for 3 s of the clock."""
        self.directory.user(user_id)
        now = self.clock.time()
        trigger_id = f"{int(now)}.{self.ids.new('')}.{self.ids.token(10)}"
        self.triggers[trigger_id] = Trigger(user_id, now)
        return trigger_id

    def new_response_url(self, channel: str, user: str, message_ts: str | None) -> str:
        """Create a response_url for an interaction by `user` in `channel`."""
        ticket = self.ids.token(12)
        self.response_urls[ticket] = ResponseUrl(channel, user, message_ts, self.clock.time())
        return f"{self.base_url}response/{ticket}"

    def user_json(self, user: User) -> JSON:
        """A user as Slack's API shows it."""
        ident = self.identity
        return render.user_json(
            user,
            team_id=ident.team_id,
            at=self.clock.now(),
            bot_id=ident.bot_id,
            app_id=ident.app_id,
        )

    def conversation_json(self, conv: Conversation) -> JSON:
        """A conversation as Slack's API shows it."""
        im_user = self.directory.users.get(conv.im_user or "")
        deleted = bool(im_user and im_user.deleted)
        return render.conversation_json(
            conv, bot_user_id=self.identity.bot_user_id, deleted_user=deleted
        )

    def message_json(self, msg: Message, *, include_metadata: bool = True) -> JSON:
        """A message as Slack's API shows it, with its thread summary if it has replies."""
        out = render.message_json(
            msg, team_id=self.identity.team_id, include_metadata=include_metadata
        )
        if is_top_level(msg):
            out.update(render.thread_fields(self.messages.replies(msg)))
        else:
            parent = self.messages.get(msg.channel, msg.thread_ts or "")
            out["parent_user_id"] = parent.user if parent else msg.user
        return out

    def view_json(self, view: View) -> JSON:
        """A view as Slack's API shows it."""
        ident = self.identity
        return render.view_json(
            view, team_id=ident.team_id, bot_id=ident.bot_id, app_id=ident.app_id
        )

    def file_json(self, f: StoredFile) -> JSON:
        """A file as Slack's API shows it."""
        return render.file_json(f, team_id=self.identity.team_id, base_url=self.base_url)

    def permalink(self, channel: str, ts: str) -> str:
        """The permalink of a message, served by the stand-in."""
        return f"{self.base_url}archives/{channel}/p{ts.replace('.', '')}"
