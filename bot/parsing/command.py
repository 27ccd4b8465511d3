"""Parsing ``/goal`` text into typed commands, with a specific error and usage line for each.

Mentions and channels are accepted whether or not Slack escaped them (``<@U123|dana>`` or
``@dana``; ``<#C123|leadership>`` or ``#leadership``). Goal ids are ``G-12`` (also ``g12``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.domain.errors import InvalidInput
from bot.domain.periods import PeriodError, parse_period
from bot.parsing.number import Amount, parse_amount
from storage.models import GoalStatus, Health

USAGE: dict[str, str] = {
    "help": "/goal help",
    "new": "/goal new [title]",
    "list": "/goal list [mine | @user | UNIT | company]",
    "show": "/goal show G-12",
    "update": "/goal update G-12 VALUE [on track | at risk | off track] [note]",
    "align": "/goal align G-12 to G-3",
    "owner": "/goal owner G-12 @user",
    "csf": (
        "/goal csf list [UNIT] [PERIOD] | csf add UNIT [PERIOD] TITLE"
        " | csf remove UNIT [PERIOD] RANK"
    ),
    "tree": "/goal tree [UNIT]",
    "close": "/goal close G-12 achieved | missed | dropped",
    "checkin": "/goal checkin | checkin at [DAY] [HH:MM] | checkin at default",
    "pause": "/goal pause until YYYY-MM-DD",
    "resume": "/goal resume",
    "digest": "/goal digest here [UNIT] | digest preview [UNIT]",
    "review": "/goal review start [UNIT] [PERIOD] | review here [UNIT]",
    "settings": "/goal settings",
}

_GOAL_ID = re.compile(r"^[Gg]-?(\d{1,9})$")
_ESCAPED_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
_PLAIN_USER = re.compile(r"^@([\w.\-]+)$")
_RAW_USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
_ESCAPED_CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>$")
_PLAIN_CHANNEL = re.compile(r"^#([\w\-]+)$")
_HEALTH_WORDS = {
    "on track": Health.ON_TRACK,
    "on-track": Health.ON_TRACK,
    "at risk": Health.AT_RISK,
    "at-risk": Health.AT_RISK,
    "off track": Health.OFF_TRACK,
    "off-track": Health.OFF_TRACK,
}
_CLOSE_STATUSES = {s.value: s for s in (GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.DROPPED)}


class UsageError(InvalidInput):
    """Input that does not fit a subcommand; carries the usage line to show with it."""

    def __init__(self, message: str, subcommand: str) -> None:
        super().__init__(f"{message}\nUsage: `{USAGE[subcommand]}`", field=subcommand)
        self.subcommand = subcommand


@dataclass(frozen=True)
class UserRef:
    """A person named in a command: a Slack user id, or a name to look up."""

    user_id: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        return f"<@{self.user_id}>" if self.user_id else f"@{self.name}"


@dataclass(frozen=True)
class ChannelRef:
    """A channel named in a command: an id, or a name to look up."""

    channel_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Command:
    """A parsed ``/goal`` command: the subcommand and its arguments."""

    name: str
    goal: int | None = None
    other_goal: int | None = None
    user: UserRef | None = None
    unit: str | None = None
    period: str | None = None
    value: float | None = None
    health: Health | None = None
    status: GoalStatus | None = None
    text: str = ""
    action: str = ""
    rank: int | None = None
    until: date | None = None
    scope: str = ""
    weekday: int | None = None
    at_time: str | None = None


Parser = Callable[[list[str]], Command]
UnitOf = Callable[[int], str | None]  # a goal's number → its metric's unit, when known


def parse_command(text: str, *, unit_of: UnitOf | None = None) -> Command:
    """Parse the text after ``/goal``; empty or unknown input asks for help.

    ``unit_of`` gives a goal's metric unit, so that ``/goal update G-12 $1.2M`` is read in it
    (1.2 in a ``$M`` metric); without it, values are read as written.
    """
    words = text.split()
    if not words:
        return Command("help")
    name, rest = words[0].lower(), words[1:]
    if name == "update":
        return _update(rest, unit_of)
    parser = _PARSERS.get(name)
    if parser is None:
        return Command("help", text=f"`{words[0]}` is not a /goal command.")
    return parser(rest)


def parse_goal_id(token: str, subcommand: str) -> int:
    """``G-12`` → 12, or a UsageError naming the token."""
    match = _GOAL_ID.match(token.strip())
    if not match:
        raise UsageError(f"`{token}` is not a goal id: goal ids look like G-12.", subcommand)
    return int(match[1])


def parse_user(token: str) -> UserRef | None:
    """A mention, escaped (``<@U1|dana>``) or not (``@dana``), or a bare user id."""
    if match := _ESCAPED_USER.match(token):
        return UserRef(user_id=match[1], name=match[2] or None)
    if match := _PLAIN_USER.match(token):
        return UserRef(name=match[1])
    if _RAW_USER_ID.match(token):
        return UserRef(user_id=token)
    return None


def parse_channel(token: str) -> ChannelRef | None:
    """A channel, escaped (``<#C1|general>``) or not (``#general``)."""
    if match := _ESCAPED_CHANNEL.match(token):
        return ChannelRef(channel_id=match[1], name=match[2] or None)
    if match := _PLAIN_CHANNEL.match(token):
        return ChannelRef(name=match[1])
    return None


def parse_number(token: str, *, unit: str | None = None) -> float | None:
    """``42``, ``1,200``, ``12.5%``, ``$3.2k`` → a float; None when it is not a number or is
    ambiguous (``1,5``). Callers that can ask back use ``bot.parsing.number.parse_amount``."""
    parsed = parse_amount(token, unit=unit)
    return parsed.value if isinstance(parsed, Amount) else None


def split_health(words: list[str]) -> tuple[Health | None, list[str]]:
    """Take a leading health phrase (``on track``, ``at risk``, ``off track``) off a word list."""
    lowered = [w.lower().strip(",.;:") for w in words]
    for size in (2, 1):
        phrase = " ".join(lowered[:size])
        if phrase in _HEALTH_WORDS:
            return _HEALTH_WORDS[phrase], words[size:]
    return None, words


def parse_date(token: str, subcommand: str) -> date:
    """An ISO date (``2027-03-31``), or a UsageError naming the token."""
    try:
        return date.fromisoformat(token)
    except ValueError:
        raise UsageError(f"`{token}` is not a date: write it as YYYY-MM-DD.", subcommand) from None


def _needs(words: list[str], count: int, subcommand: str, what: str) -> None:
    if len(words) < count:
        raise UsageError(f"Missing {what}.", subcommand)


def _no_args(name: str) -> Parser:
    def parse(words: list[str]) -> Command:
        if words:
            raise UsageError(f"`/goal {name}` takes no arguments.", name)
        return Command(name)

    return parse


def _new(words: list[str]) -> Command:
    return Command("new", text=" ".join(words))


def _list(words: list[str]) -> Command:
    if not words or words[0].lower() == "mine":
        return Command("list", scope="mine")
    if len(words) > 1:
        raise UsageError("List one scope at a time.", "list")
    if words[0].lower() == "company":
        return Command("list", scope="company")
    if user := parse_user(words[0]):
        return Command("list", scope="user", user=user)
    return Command("list", scope="unit", unit=words[0])


def _show(words: list[str]) -> Command:
    _needs(words, 1, "show", "the goal id")
    return Command("show", goal=parse_goal_id(words[0], "show"))


def _update(words: list[str], unit_of: UnitOf | None = None) -> Command:
    _needs(words, 2, "update", "the goal id and the new value")
    goal = parse_goal_id(words[0], "update")
    parsed = parse_amount(words[1], unit=unit_of(goal) if unit_of else None)
    if not isinstance(parsed, Amount):
        raise UsageError(f"{parsed.message}.", "update")
    value = parsed.value
    health, rest = split_health(words[2:])
    return Command("update", goal=goal, value=value, health=health, text=" ".join(rest))


def _align(words: list[str]) -> Command:
    if len(words) == 2:
        words = [words[0], "to", words[1]]
    if len(words) != 3 or words[1].lower() != "to":
        raise UsageError("Say which goal aligns to which.", "align")
    return Command(
        "align", goal=parse_goal_id(words[0], "align"), other_goal=parse_goal_id(words[2], "align")
    )


def _owner(words: list[str]) -> Command:
    _needs(words, 2, "owner", "the goal id and the new owner")
    user = parse_user(words[1])
    if user is None:
        raise UsageError(f"`{words[1]}` is not a person: mention them, like @dana.", "owner")
    return Command("owner", goal=parse_goal_id(words[0], "owner"), user=user)


def _close(words: list[str]) -> Command:
    _needs(words, 2, "close", "the goal id and how it ended")
    status = _CLOSE_STATUSES.get(words[1].lower())
    if status is None:
        raise UsageError(
            f"`{words[1]}` is not an outcome: use achieved, missed or dropped.", "close"
        )
    return Command(
        "close", goal=parse_goal_id(words[0], "close"), status=status, text=" ".join(words[2:])
    )


def _tree(words: list[str]) -> Command:
    if len(words) > 1:
        raise UsageError("Name at most one unit.", "tree")
    return Command("tree", unit=words[0] if words else None)


def _pause(words: list[str]) -> Command:
    if words and words[0].lower() == "until":
        words = words[1:]
    _needs(words, 1, "pause", "the date you are back")
    return Command("pause", until=parse_date(words[0], "pause"))


def _optional_period(words: list[str]) -> tuple[str | None, list[str]]:
    if words:
        try:
            return str(parse_period(words[0])), words[1:]
        except PeriodError:
            pass
    return None, words


def _csf(words: list[str]) -> Command:
    action = words[0].lower() if words else "list"
    if action == "list":
        unit = words[1] if len(words) > 1 else None
        period, _ = _optional_period(words[2:])
        return Command("csf", action="list", unit=unit, period=period)
    if action not in {"add", "remove"}:
        raise UsageError(f"`{action}` is not a csf action: use list, add or remove.", "csf")
    _needs(words, 3, "csf", f"the unit and the {'title' if action == 'add' else 'rank'}")
    period, rest = _optional_period(words[2:])
    _needs(rest, 1, "csf", f"the {'title' if action == 'add' else 'rank'}")
    if action == "add":
        return Command("csf", action="add", unit=words[1], period=period, text=" ".join(rest))
    if not rest[0].isdigit():
        raise UsageError(f"`{rest[0]}` is not a rank: use the CSF's number, like 2.", "csf")
    return Command("csf", action="remove", unit=words[1], period=period, rank=int(rest[0]))


def _digest(words: list[str]) -> Command:
    action = words[0].lower() if words else ""
    if action not in {"here", "preview"}:
        raise UsageError(
            "Say `here` to subscribe this channel, or `preview` to see the digest now, "
            "optionally with a unit.",
            "digest",
        )
    if len(words) > 2:
        raise UsageError("Name at most one unit.", "digest")
    return Command("digest", action=action, unit=words[1] if len(words) > 1 else None)


def _review(words: list[str]) -> Command:
    action = words[0].lower() if words else ""
    if action not in {"start", "here"}:
        raise UsageError(
            "Say `start` to open the review threads, or `here` to hold a unit's reviews in "
            "this channel.",
            "review",
        )
    period, rest = None, []
    for word in words[1:]:
        try:
            period = str(parse_period(word))
        except PeriodError:
            rest.append(word)
    if len(rest) > 1 or (action == "here" and period is not None):
        raise UsageError("Name at most one unit (and, to start, one quarter).", "review")
    return Command("review", action=action, unit=rest[0] if rest else None, period=period)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")


def _checkin(words: list[str]) -> Command:
    """``checkin`` (open mine now), ``checkin at [DAY] [HH:MM]`` or ``checkin at default``."""
    if not words:
        return Command("checkin")
    if words[0].lower() != "at":
        raise UsageError(
            "Say `checkin` alone to check in now, or `checkin at` a day and time.", "checkin"
        )
    rest = [word.lower() for word in words[1:]]
    if rest == ["default"]:
        return Command("checkin", action="default")
    _needs(rest, 1, "checkin", "a day, a time or both (e.g. `checkin at friday 16:00`)")
    weekday = _weekday(rest[0])
    times = rest[1:] if weekday is not None else rest
    if len(times) > 1 and times[-1] in {"am", "pm"}:
        times = [" ".join(times)]
    if len(times) > 1 and weekday is None:
        raise UsageError(
            f"`{times[0]}` is not a day: use monday … sunday, or mon … sun.", "checkin"
        )
    if len(times) > 1:
        raise UsageError(f"`{' '.join(times)}` is not one time: use one like `16:00`.", "checkin")
    at_time = parse_clock(times[0], "checkin") if times else None
    return Command("checkin", action="at", weekday=weekday, at_time=at_time)


def _weekday(word: str) -> int | None:
    """``fri``/``friday`` → 4; None when the word is not a day."""
    matches = [i for i, day in enumerate(WEEKDAYS) if len(word) >= 3 and day.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def parse_clock(token: str, subcommand: str) -> str:
    """``9``, ``9:30``, ``16:00``, ``4pm``, ``4:30 pm`` → ``"HH:MM"`` (24-hour)."""
    match = _CLOCK.match(token.strip().lower())
    hours = int(match[1]) if match else -1
    minutes = int(match[2] or 0) if match else -1
    if match and match[3]:
        hours = hours % 12 + (12 if match[3] == "pm" else 0) if 1 <= hours <= 12 else -1
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise UsageError(
            f"`{token}` is neither a day nor a time: use a day like `friday` and a time "
            "like `16:00` or `4pm`.",
            subcommand,
        )
    return f"{hours:02d}:{minutes:02d}"


def _help(words: list[str]) -> Command:
    return Command("help", text=" ".join(words))


_PARSERS: dict[str, Parser] = {
    "help": _help,
    "new": _new,
    "list": _list,
    "show": _show,
    "update": _update,
    "align": _align,
    "owner": _owner,
    "csf": _csf,
    "tree": _tree,
    "close": _close,
    "checkin": _checkin,
    "pause": _pause,
    "resume": _no_args("resume"),
    "digest": _digest,
    "review": _review,
    "settings": _no_args("settings"),
}
