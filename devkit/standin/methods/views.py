"""The views.* methods: modals in a per-user stack, and each user's App Home."""

from __future__ import annotations

from devkit.standin import validate
from devkit.standin.errors import SlackError, missing_field
from devkit.standin.models import JSON, View
from devkit.standin.request import Args
from devkit.standin.state import TRIGGER_TTL, Workspace

MAX_STACK = 3


def open_(ws: Workspace, args: Args) -> JSON:
    """Open a modal for the user whose interaction gave the trigger_id."""
    trigger_id = args.require("trigger_id")
    body = validate.view(_view_arg(args), allowed=("modal",))
    _check_external_id(ws, body, None)
    user_id = _exchange(ws, trigger_id)
    for old in ws.modal_stacks.get(user_id, []):
        ws.views.pop(old, None)
    view = _new_view(ws, user_id, body, root=None)
    ws.modal_stacks[user_id] = [view.id]
    return {"view": ws.view_json(view)}


def push(ws: Workspace, args: Args) -> JSON:
    """Push a modal on top of the user's open modal (at most 3 deep)."""
    trigger_id = args.require("trigger_id")
    body = validate.view(_view_arg(args), allowed=("modal",))
    _check_external_id(ws, body, None)
    user_id = _exchange(ws, trigger_id)
    stack = ws.modal_stacks.get(user_id) or []
    if not stack:
        raise SlackError("invalid_arguments", messages=["[ERROR] no open view to push onto"])
    if len(stack) >= MAX_STACK:
        raise SlackError("push_limit_reached")
    view = _new_view(ws, user_id, body, root=ws.views[stack[0]])
    view.previous_view_id = stack[-1]
    stack.append(view.id)
    return {"view": ws.view_json(view)}


def update(ws: Workspace, args: Args) -> JSON:
    """Replace a view found by view_id or external_id; a stale `hash` is refused."""
    raw = _view_arg(args)
    view = _find(ws, args.string("view_id"), args.string("external_id"))
    _check_hash(view, args.string("hash"))
    body = validate.view(raw, allowed=(str(view.body.get("type", "modal")),))
    _check_external_id(ws, body, view)
    view.replace(body, _new_hash(ws))
    return {"view": ws.view_json(view)}


def publish(ws: Workspace, args: Args) -> JSON:
    """Set a user's App Home."""
    user_id = args.require("user_id")
    body = validate.view(_view_arg(args), allowed=("home",))
    ws.directory.user(user_id)
    existing = ws.views.get(ws.homes.get(user_id, ""))
    if existing is not None:
        _check_hash(existing, args.string("hash"))
        _check_external_id(ws, body, existing)
        existing.replace(body, _new_hash(ws))
        return {"view": ws.view_json(existing)}
    _check_external_id(ws, body, None)
    view = _new_view(ws, user_id, body, root=None)
    ws.homes[user_id] = view.id
    return {"view": ws.view_json(view)}


def _view_arg(args: Args) -> object:
    raw = args.get("view")
    if raw is None:
        raise missing_field("view")
    return raw


def _exchange(ws: Workspace, trigger_id: str) -> str:
    trigger = ws.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if ws.clock.time() - trigger.issued_at > TRIGGER_TTL:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger.user_id


def _new_view(ws: Workspace, user_id: str, body: JSON, *, root: View | None) -> View:
    view_id = ws.ids.new("V")
    view = View(view_id, user_id, body, _new_hash(ws), root.id if root else view_id)
    view.external_id = str(body.get("external_id") or "")
    ws.views[view_id] = view
    return view


def _new_hash(ws: Workspace) -> str:
    return f"{int(ws.clock.time())}.{ws.ids.token(4)}"


def _find(ws: Workspace, view_id: str | None, external_id: str | None) -> View:
    if view_id is None and external_id is None:
        raise missing_field("view_id")
    for view in ws.views.values():
        if view.id == view_id or (external_id and view.external_id == external_id):
            return view
    raise SlackError("not_found")


def _check_hash(view: View, given: str | None) -> None:
    if given is not None and given != view.hash:
        raise SlackError("hash_conflict")


def _check_external_id(ws: Workspace, body: JSON, current: View | None) -> None:
    external_id = body.get("external_id")
    if not external_id:
        return
    for view in ws.views.values():
        if view is not current and view.external_id == external_id:
            raise SlackError("duplicate_external_id")
