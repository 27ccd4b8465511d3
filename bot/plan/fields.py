"""The fields a plan file may give, and how each turns from text into a value.

Every converter takes the text of one YAML scalar or CSV cell and returns the stored value,
or raises ``ValueError`` with a message fit to show next to ``file:line:field``.

Numbers are read as people type them (``bot.parsing.number``): ``1,000``, ``1.500,25``,
``1 000``, ``1e3``, ``$1.2M``; a metric's ``baseline`` and ``target`` in its ``unit``
(``amount``); an ambiguous ``1,5`` is an error asking which was meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.periods import PeriodError, parse_period
from bot.parsing.number import Amount, parse_amount
from storage.models import Direction, GoalStatus, Role, Visibility

Converter = Callable[[str], object]

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_GOAL_NUMBER = re.compile(r"^[Gg]-\d+$")
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
_TEAM_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def text(max_length: int) -> Converter:
    """Free text up to ``max_length`` characters, surrounding spaces removed."""

    def convert(raw: str) -> str:
        value = raw.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > max_length:
            raise ValueError(f"is {len(value)} characters long; the limit is {max_length}")
        return value

    return convert


def key(raw: str) -> str:
    """A stable key: letters, digits, ``_``, ``.``, ``-``; not a goal number like G-12."""
    value = raw.strip()
    if not _KEY.match(value):
        raise ValueError(f"'{raw}' is not a key: use up to 64 letters, digits, '_', '.' or '-'")
    if _GOAL_NUMBER.match(value):
        raise ValueError(f"'{raw}' looks like a goal number; G-<n> is reserved")
    return value


def slack_id(raw: str) -> str:
    """A Slack user id such as U0NW0001."""
    value = raw.strip()
    if not _SLACK_ID.match(value):
        raise ValueError(f"'{raw}' is not a Slack user id (like U0NW0001)")
    return value


def email(raw: str) -> str:
    """An email address (only its shape is checked)."""
    value = raw.strip()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or len(value) > 254:
        raise ValueError(f"'{raw}' is not an email address")
    return value


def team_id(raw: str) -> str:
    """A Slack team id (or any short id without spaces)."""
    value = raw.strip()
    if not _TEAM_ID.match(value):
        raise ValueError(f"'{raw}' is not a team id")
    return value


def timezone(raw: str) -> str:
    """An IANA time zone name such as Europe/Berlin."""
    value = raw.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{raw}' is not a time zone: use a name like Europe/Berlin") from None
    return value


def period(raw: str) -> str:
    """A fiscal period, normalised (``2027-Q1`` or ``FY2027``)."""
    try:
        return str(parse_period(raw))
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def number(raw: str) -> float:
    """A finite number such as 12, 0.5, 1e6 or 1,000 (``bot.parsing.number``'s rules)."""
    return amount(None)(raw)


def amount(unit: str | None) -> Callable[[str], float]:
    """A number in a metric of ``unit``: ``$1.2M`` is 1.2 when the unit is ``$M``."""

    def convert(raw: str) -> float:
        parsed = parse_amount(raw, unit=unit)
        if not isinstance(parsed, Amount):
            raise ValueError(parsed.message.replace("`", "'"))  # plan errors quote with '"
        return parsed.value

    return convert


def weight(raw: str) -> float:
    """A goal's weight: a number, zero or more."""
    value = number(raw)
    if value < 0:
        raise ValueError(f"'{raw}' is negative; a weight is zero or more")
    return value


def integer(low: int, high: int) -> Converter:
    """A whole number between ``low`` and ``high`` inclusive."""

    def convert(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"'{raw}' is not a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"{value} is out of range: use {low} to {high}")
        return value

    return convert


def iso_date(raw: str) -> date:
    """A calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(f"'{raw}' is not a date: use YYYY-MM-DD") from None


def choice(enum_type: type[StrEnum]) -> Converter:
    """One of an enum's values, case-insensitive."""
    values = [member.value for member in enum_type]

    def convert(raw: str) -> StrEnum:
        value = raw.strip().lower()
        if value not in values:
            raise ValueError(f"'{raw}' is not one of: {', '.join(values)}")
        return enum_type(value)

    return convert


@dataclass(frozen=True)
class Field:
    """How one field is read: its converter, and whether every entry must give it."""

    convert: Converter
    required: bool = False


WORKSPACE_FIELDS = {
    "team_id": Field(team_id),
    "name": Field(text(200)),
    "timezone": Field(timezone),
    "fiscal_year_start_month": Field(integer(1, 12)),
}
UNIT_FIELDS = {
    "key": Field(key, required=True),
    "name": Field(text(200), required=True),
    "parent": Field(key),
    "lead": Field(text(254)),
}
PERSON_FIELDS = {
    "slack_id": Field(slack_id),
    "email": Field(email),
    "name": Field(text(200), required=True),
    "tz": Field(timezone),
    "unit": Field(key),
    "manager": Field(text(254)),
    "role": Field(choice(Role)),
}
CSF_FIELDS = {
    "key": Field(key, required=True),
    "unit": Field(key, required=True),
    "period": Field(period, required=True),
    "rank": Field(integer(1, 99), required=True),
    "title": Field(text(200), required=True),
    "kpi": Field(text(200)),
}
GOAL_FIELDS = {
    "key": Field(key, required=True),
    "title": Field(text(200), required=True),
    "owner": Field(text(254), required=True),
    "unit": Field(key, required=True),
    "period": Field(period, required=True),
    "parent": Field(key),
    "csf": Field(key),
    "due": Field(iso_date),
    "weight": Field(weight),
    "status": Field(choice(GoalStatus)),
    "visibility": Field(choice(Visibility)),
    "description": Field(text(3000)),
}
# The metric block of a goal, by its name in YAML (``metric.name``) and the stored name;
# the ``AMOUNTS`` among them are read in the metric's unit (``in_unit``).
METRIC_FIELDS = {
    "name": ("metric_name", Field(text(200), required=True)),
    "unit": ("metric_unit", Field(text(32))),
    "baseline": ("baseline", Field(number)),
    "target": ("target", Field(number, required=True)),
    "direction": ("direction", Field(choice(Direction))),
}
AMOUNTS = frozenset({"baseline", "target"})


def in_unit(stored: str, spec: Field, unit: str | None) -> Field:
    """The field ``stored`` as read in a metric of ``unit`` (amounts only; others unchanged)."""
    return Field(amount(unit), spec.required) if stored in AMOUNTS else spec
