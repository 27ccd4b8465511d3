"""The Python side of the stand-in: set up a workspace, look at what the bot did."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from devkit.standin import render
from devkit.standin.clock import StandinClock
from devkit.standin.errors import SlackError
from devkit.standin.limits import Faults, RateLimiter, RateLimits
from devkit.standin.messages import is_top_level
from devkit.standin.models import JSON, Activity, Message, RecordedCall
from devkit.standin.scopes import DEFAULT_SCOPES
from devkit.standin.state import Workspace


class Control:
    """Set-up and inspection methods of :class:`~devkit.standin.server.SlackStandin`."""

    ws: Workspace
    clock: StandinClock
    limiter: RateLimiter
    faults: Faults
    rate_limits: RateLimits

    @property
    def team_id(self) -> str:
        """The workspace's team id."""
        return self.ws.identity.team_id

    @property
    def bot_user_id(self) -> str:
        """The bot's user id."""
        return self.ws.identity.bot_user_id

    def add_user(
        self,
        name: str,
        *,
        user_id: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str | None = "America/New_York",
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
    ) -> str:
        """Add a member to the workspace; returns the user id."""
        with self.ws.lock:
            user = self.ws.directory.add_user(
                user_id=user_id,
                name=name,
                real_name=real_name,
                email=email,
                tz=tz,
                is_bot=is_bot,
                deleted=deleted,
                is_admin=is_admin,
            )
        return user.id

    def update_user(self, user_id: str, **changes: Any) -> None:
        """Change a member's fields (``tz``, ``deleted``, ``email``, ``real_name``...)."""
        with self.ws.lock:
            user = self.ws.directory.user(user_id)
            for key, value in changes.items():
                if not hasattr(user, key) or key == "id":
                    raise AttributeError(f"users have no changeable field {key!r}")
                setattr(user, key, value)

    def add_channel(
        self,
        name: str,
        *,
        members: tuple[str, ...] | list[str] = (),
        is_private: bool = False,
        bot_member: bool = True,
        archived: bool = False,
        channel_id: str | None = None,
    ) -> str:
        """Add a channel (the bot is a member unless `bot_member` is false); returns its id."""
        with self.ws.lock:
            conv = self.ws.directory.add_channel(
                channel_id=channel_id,
                name=name,
                members=members,
                is_private=is_private,
                bot_member=bot_member,
                archived=archived,
            )
        return conv.id

    def add_member(self, channel: str, user_id: str) -> None:
        """Add a user (or the bot) to a channel."""
        with self.ws.lock:
            if user_id != self.bot_user_id:
                self.ws.directory.user(user_id)
            self.ws.directory.conversations[channel].members.add(user_id)

    def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM with a user (opened if needed)."""
        with self.ws.lock:
            return self.ws.directory.dm(user_id).id

    def messages(
        self, channel: str, *, include_replies: bool = False, include_revisions: bool = False
    ) -> list[JSON]:
        """The messages in a conversation (id, ``#name`` or user id for the DM), oldest first.

        `include_revisions` adds ``revisions``: each edited message's earlier versions.
        """
        with self.ws.lock:
            cid = self._conversation_id(channel)
            if cid is None:
                return []
            found = self.ws.messages.all(cid)
            if not include_replies:
                found = [m for m in found if is_top_level(m) or m.reply_broadcast]
            if include_revisions:
                return [{**self.ws.message_json(m), "revisions": m.revisions} for m in found]
            return [self.ws.message_json(m) for m in found]

    def dm_messages(self, user_id: str, *, include_replies: bool = False) -> list[JSON]:
        """The messages in the bot's DM with a user, oldest first."""
        with self.ws.lock:
            if not self.ws.directory.has_dm(user_id):
                return []
        return self.messages(user_id, include_replies=include_replies)

    def thread(self, channel: str, ts: str) -> list[JSON]:
        """A thread's parent and replies, oldest first."""
        with self.ws.lock:
            cid = self._conversation_id(channel)
            if cid is None:
                return []
            return [self.ws.message_json(m) for m in self.ws.messages.thread(cid, ts)]

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[JSON]:
        """Ephemeral messages shown so far, optionally for one conversation and/or user."""
        with self.ws.lock:
            cid = self._conversation_id(channel) if channel else None
            return [
                render.ephemeral_json(e)
                for e in self.ws.messages.ephemerals
                if (channel is None or e.channel == cid) and (user is None or e.user == user)
            ]

    def home_view(self, user_id: str) -> JSON | None:
        """The App Home last published for a user, if any."""
        with self.ws.lock:
            view = self.ws.views.get(self.ws.homes.get(user_id, ""))
            return self.ws.view_json(view) if view else None

    def open_views(self, user_id: str) -> list[JSON]:
        """The user's modal stack, root first (empty when none is open)."""
        with self.ws.lock:
            stack = self.ws.modal_stacks.get(user_id, [])
            return [self.ws.view_json(self.ws.views[v]) for v in stack]

    def close_views(self, user_id: str) -> None:
        """Close the user's modals, as when they submit or dismiss the root view."""
        with self.ws.lock:
            for view_id in self.ws.modal_stacks.pop(user_id, []):
                self.ws.views.pop(view_id, None)

    def files(self) -> list[JSON]:
        """Every file uploaded, with its bytes under ``content``."""
        with self.ws.lock:
            return [
                {**self.ws.file_json(f), "content": f.content, "completed": f.completed}
                for f in self.ws.files.values()
            ]

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Every call answered so far (optionally of one method), oldest first."""
        with self.ws.lock:
            return [c for c in self.ws.calls if method is None or c.method == method]

    def users(self) -> list[JSON]:
        """Every member (and the bot), as users.info shows them, in the order they were added."""
        with self.ws.lock:
            return [self.ws.user_json(user) for user in self.ws.directory.users.values()]

    def conversations(self) -> list[JSON]:
        """Every channel and DM, as conversations.info shows them, oldest first."""
        with self.ws.lock:
            found = self.ws.directory.conversations.values()
            return [{**self.ws.conversation_json(c), "name": c.name} for c in found]

    def post_as_user(
        self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> JSON:
        """A message a person writes in a channel or thread, as their Slack client posts it."""
        with self.ws.lock:
            user = self.ws.directory.user(user_id)
            conv = self.ws.directory.resolve(channel)
            if user.id not in conv.members:
                raise SlackError("not_in_channel")
            stamp = self.ws.ts.next(self.clock.time())
            msg = Message(stamp, conv.id, user.id, text, thread_ts=thread_ts or None)
            return {**self.ws.message_json(self.ws.messages.add(msg)), "channel": conv.id}

    def record_activity(
        self, user: str, channel: str, kind: str, text: str, details: tuple[str, ...] = ()
    ) -> JSON:
        """Note what a person did in their client (see :class:`Activity`); stamped now."""
        with self.ws.lock:
            entry = Activity(self.ws.ts.next(self.clock.time()), user, channel, kind, text, details)
            self.ws.activity.append(entry)
            return _activity_json(entry)

    def activity(self, channel: str | None = None) -> list[JSON]:
        """What people did in their clients, oldest first, optionally in one conversation."""
        with self.ws.lock:
            cid = self._conversation_id(channel) if channel else None
            found = [a for a in self.ws.activity if channel is None or a.channel == cid]
            return [_activity_json(a) for a in found]

    def issue_trigger_id(self, user_id: str) -> str:
        """A trigger_id as if the user just interacted; valid 3 s of the stand-in clock."""
        with self.ws.lock:
            return self.ws.new_trigger(user_id)

    def new_response_url(self, channel: str, user: str, *, message_ts: str | None = None) -> str:
        """A response_url for an interaction by `user` in `channel` (on message `message_ts`)."""
        with self.ws.lock:
            return self.ws.new_response_url(channel, user, message_ts)

    def inject(self, method: str, kind: str, count: int = 1) -> None:
        """Fail the next `count` calls of `method` (``"*"``: any): 429, 500, 503 or drop."""
        self.faults.inject(method, kind, count)

    def advance(self, delta: float | timedelta) -> None:
        """Move the stand-in clock forward (seconds or a timedelta)."""
        self.clock.advance(delta)

    def set_scopes(self, scopes: Iterable[str] | None) -> None:
        """The bot scopes the token holds (None: every scope); see ``devkit.standin.scopes``."""
        with self.ws.lock:
            self.ws.scopes = None if scopes is None else set(scopes)

    def revoke_scope(self, scope: str) -> None:
        """Take one scope away from the token (the others of the manifest stay)."""
        with self.ws.lock:
            held = DEFAULT_SCOPES if self.ws.scopes is None else self.ws.scopes
            self.ws.scopes = set(held) - {scope}

    def set_rate_limit(self, method: str, per_minute: float) -> None:
        """Give a method its own limit (calls per minute) and turn rate limiting on."""
        self.rate_limits.per_minute[method] = per_minute
        self.rate_limits.enabled = True
        self.limiter.reset()

    def _conversation_id(self, channel: str) -> str | None:
        directory = self.ws.directory
        if channel in directory.users:
            return directory.dm(channel).id if directory.has_dm(channel) else None
        try:
            return directory.resolve(channel).id
        except SlackError:
            conv = directory.conversations.get(channel)
            return conv.id if conv else None


def _activity_json(entry: Activity) -> JSON:
    return {
        "ts": entry.ts,
        "user": entry.user,
        "channel": entry.channel,
        "kind": entry.kind,
        "text": entry.text,
        "details": list(entry.details),
    }
