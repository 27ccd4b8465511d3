"""auth.test and the users.* methods."""

from __future__ import annotations

from devkit.standin.errors import SlackError
from devkit.standin.methods.paging import page
from devkit.standin.models import JSON
from devkit.standin.request import Args
from devkit.standin.state import Workspace

MAX_USERS_PAGE = 1000


def auth_test(ws: Workspace, args: Args) -> JSON:
    """Who the token belongs to."""
    ident = ws.identity
    return {
        "url": f"https://{ident.team_domain}.slack.com/",
        "team": ident.team_name,
        "user": ident.bot_name,
        "team_id": ident.team_id,
        "user_id": ident.bot_user_id,
        "bot_id": ident.bot_id,
        "is_enterprise_install": False,
    }


def users_list(ws: Workspace, args: Args) -> JSON:
    """Every member (bots and deactivated users included), a page at a time."""
    limit = args.integer("limit", 0, error="invalid_limit")
    users = list(ws.directory.users.values())
    members, next_cursor = page(
        users,
        [u.id for u in users],
        kind="user",
        cursor=args.string("cursor"),
        limit=min(limit, MAX_USERS_PAGE) if limit > 0 else 0,
    )
    return {
        "members": [ws.user_json(u) for u in members],
        "cache_ts": int(ws.clock.time()),
        "response_metadata": {"next_cursor": next_cursor},
    }


def users_info(ws: Workspace, args: Args) -> JSON:
    """One user."""
    user = ws.directory.user(args.require("user", "user_not_found"))
    return {"user": ws.user_json(user)}


def users_lookup_by_email(ws: Workspace, args: Args) -> JSON:
    """The user with an email address."""
    user = ws.directory.by_email(args.require("email"))
    if user is None:
        raise SlackError("users_not_found")
    return {"user": ws.user_json(user)}
