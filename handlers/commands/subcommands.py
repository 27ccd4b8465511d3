"""Each ``/goal`` subcommand: call a service, build the answer (or open a modal)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.checkin import checkin_rhythm_message, checkin_update_modal
from bot.blocks.common import confirmation_message, help_message
from bot.blocks.digest import digest_preview_message
from bot.blocks.goals import (
    csf_list_message,
    goal_details_message,
    goal_list_message,
    tree_message,
)
from bot.blocks.message import Message
from bot.blocks.new_goal import new_goal_modal
from bot.blocks.settings import settings_modal
from bot.domain.enums import UpdateSource
from bot.domain.errors import InvalidInput
from bot.parsing.command import Command, UserRef
from bot.services.inbox import request_dedup_key
from handlers.checkin_dm import show_answered
from handlers.commands.review import review_subcommand
from handlers.requests import Asker

AD_HOC_CHECKIN = 0  # a check-in opened by `/goal checkin`, outside the scheduled cycle


@dataclass(frozen=True)
class Invocation:
    """One subcommand call: the services, who asked, what they asked, and the Slack client."""

    services: Services
    asker: Asker
    command: Command
    client: WebClient

    @property
    def team(self) -> str:
        """The workspace asked about."""
        return self.asker.team_id

    @property
    def user(self) -> str:
        """The Slack id of the person asking."""
        return self.asker.user_id


Subcommand = Callable[[Invocation], Message | None]


def _help(call: Invocation) -> Message:
    return help_message(call.command.text or None)


def _new(call: Invocation) -> None:
    form = call.services.directory.goal_form(team_id=call.team, actor_id=call.user)
    view = new_goal_modal(
        units=form.units,
        default_unit=form.default_unit,
        period=form.period,
        owner_slack_id=call.user,
        title=call.command.text,
        csfs=form.csfs,
    )
    call.client.views_open(trigger_id=call.asker.trigger_id, view=view)


def _list(call: Invocation) -> Message:
    goals, scope = call.services.goals, call.command.scope
    if scope == "company":
        return goal_list_message("Company goals", goals.list_for(team_id=call.team))
    if scope == "unit":
        unit = call.services.directory.unit(team_id=call.team, key=call.command.unit or "")
        return goal_list_message(
            f"Goals of {unit.name}", goals.list_for(team_id=call.team, unit_id=unit.id)
        )
    if scope == "user":
        ref = _user(call, call.command.user)
        person = call.services.directory.person(
            team_id=call.team, slack_user_id=ref.user_id, name=ref.name
        )
        found = goals.list_for(team_id=call.team, owner_id=person.id)
        return goal_list_message(
            f"Goals of {person.name or '<@' + person.slack_user_id + '>'}", found
        )
    mine = goals.list_for(team_id=call.team, owner_slack_id=call.user)
    return goal_list_message("My goals", mine)


def _show(call: Invocation) -> Message:
    details = call.services.goals.get_details(team_id=call.team, goal_number=_goal(call))
    return goal_details_message(details)


def _update(call: Invocation) -> Message:
    command = call.command
    recorded = call.services.goals.record_update(
        team_id=call.team,
        actor_id=call.user,
        goal_number=_goal(call),
        value=command.value,
        health=command.health,
        note=command.text,
        source=UpdateSource.COMMAND,
        dedup_key=request_dedup_key("update"),
    )
    progress = "" if recorded.progress is None else f" ({recorded.progress:.0%} of the way)"
    if recorded.answered_checkin is not None:
        health = f", {command.health.value.replace('_', ' ')}" if command.health else ""
        share = "" if recorded.progress is None else f" ({recorded.progress:.0%})"
        show_answered(
            call.services,
            call.client,
            team_id=call.team,
            user_id=call.user,
            delivery_id=recorded.answered_checkin,
            recorded=[(f"G-{_goal(call)}", f"{command.value:g}{health}{share}")],
        )
    return confirmation_message(f"Recorded G-{_goal(call)}: {command.value:g}{progress}.")


def _align(call: Invocation) -> Message:
    parent = call.command.other_goal
    call.services.goals.align(
        team_id=call.team, actor_id=call.user, goal_number=_goal(call), parent_number=parent
    )
    return confirmation_message(f"G-{_goal(call)} now aligns to G-{parent}.")


def _owner(call: Invocation) -> Message:
    ref = _user(call, call.command.user)
    person = call.services.directory.person(
        team_id=call.team, slack_user_id=ref.user_id, name=ref.name
    )
    call.services.goals.set_owner(
        team_id=call.team,
        actor_id=call.user,
        goal_number=_goal(call),
        owner_slack_id=person.slack_user_id,
    )
    return confirmation_message(f"<@{person.slack_user_id}> now owns G-{_goal(call)}.")


def _close(call: Invocation) -> Message:
    status = call.command.status
    assert status is not None  # the parser always sets it for close
    closed = call.services.goals.close(
        team_id=call.team, actor_id=call.user, goal_number=_goal(call), status=status
    )
    carried = f" Carried over as G-{closed.carried_to.number}." if closed.carried_to else ""
    return confirmation_message(f"G-{_goal(call)} closed as {status.value}.{carried}")


def _tree(call: Invocation) -> Message:
    rows = call.services.goals.tree(team_id=call.team, unit_key=call.command.unit)
    title = f"Alignment tree of {call.command.unit}" if call.command.unit else "Alignment tree"
    return tree_message(rows, title)


def _csf(call: Invocation) -> Message:
    command, csfs = call.command, call.services.csfs
    unit = _unit_key(call)
    period = command.period or call.services.directory.current_period(team_id=call.team)
    warning = None
    if command.action == "add":
        warning = csfs.add(
            team_id=call.team, actor_id=call.user, unit_key=unit, period=period, title=command.text
        ).warning
    elif command.action == "remove":
        csfs.remove(
            team_id=call.team,
            actor_id=call.user,
            unit_key=unit,
            period=period,
            rank=command.rank or 0,
        )
    unit_name = call.services.directory.unit(team_id=call.team, key=unit).name
    listed = csfs.list_for(team_id=call.team, unit_key=unit, period=period)
    return csf_list_message(unit_name, period, listed, warning)


def _checkin(call: Invocation) -> Message | None:
    if call.command.action:
        rhythm = call.services.people.set_checkin_time(
            team_id=call.team,
            actor_id=call.user,
            slack_user_id=call.user,
            weekday=call.command.weekday,
            at_time=call.command.at_time,
            reset=call.command.action == "default",
        )
        return checkin_rhythm_message(
            weekday=rhythm.weekday, time=rhythm.time, tz=rhythm.tz, personal=rhythm.personal
        )
    goals = call.services.goals.list_for(team_id=call.team, owner_slack_id=call.user)
    if not goals:
        raise InvalidInput("You own no open goals, so there is nothing to check in on.")
    view = checkin_update_modal(goals=goals, delivery_id=AD_HOC_CHECKIN)
    call.client.views_open(trigger_id=call.asker.trigger_id, view=view)
    return None


def _pause(call: Invocation) -> Message:
    until = call.command.until
    assert until is not None  # the parser always sets it for pause
    call.services.people.pause(
        team_id=call.team, actor_id=call.user, slack_user_id=call.user, until=until
    )
    return confirmation_message(f"You're away until {until.isoformat()}: no check-ins till then.")


def _resume(call: Invocation) -> Message:
    call.services.people.resume(team_id=call.team, actor_id=call.user, slack_user_id=call.user)
    return confirmation_message("Welcome back: your check-ins resume on your next check-in day.")


def _digest(call: Invocation) -> Message:
    if call.command.action == "preview":
        preview = call.services.digests.preview(team_id=call.team, unit_key=call.command.unit)
        return digest_preview_message(preview)
    result = call.services.workspace.subscribe_digest(
        team_id=call.team,
        actor_id=call.user,
        channel_id=call.asker.channel_id,
        unit_key=call.command.unit,
    )
    if not result.created:
        return confirmation_message(f"This channel already gets the digest of {result.scope}.")
    return confirmation_message(f"This channel will get the weekly digest of {result.scope}.")


def _review(call: Invocation) -> Message:
    return review_subcommand(call.services, call.asker, call.command, call.client)


def _settings(call: Invocation) -> None:
    call.services.workspace.require_admin(team_id=call.team, actor_id=call.user)
    view = settings_modal(call.services.workspace.get(team_id=call.team))
    call.client.views_open(trigger_id=call.asker.trigger_id, view=view)


def _goal(call: Invocation) -> int:
    number = call.command.goal
    assert number is not None  # the parser always sets it for goal subcommands
    return number


def _user(call: Invocation, ref: UserRef | None) -> UserRef:
    """The person a command names, or the asker when it names nobody."""
    return ref or UserRef(user_id=call.user)


def _unit_key(call: Invocation) -> str:
    if call.command.unit:
        return call.command.unit
    mine = call.services.directory.unit_key_of(team_id=call.team, slack_user_id=call.user)
    if mine is None:
        raise InvalidInput("Name the unit, like `/goal csf list sales`: you belong to no unit.")
    return mine


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": _help,
    "new": _new,
    "list": _list,
    "show": _show,
    "update": _update,
    "align": _align,
    "owner": _owner,
    "close": _close,
    "tree": _tree,
    "csf": _csf,
    "checkin": _checkin,
    "pause": _pause,
    "resume": _resume,
    "digest": _digest,
    "review": _review,
    "settings": _settings,
}
