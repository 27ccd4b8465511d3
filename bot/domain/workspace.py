"""A workspace's settings as one value: what ``/goal settings`` shows, checks and saves."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Cadence


@dataclass(frozen=True)
class WorkspaceSettings:
    """The settings an admin changes with ``/goal settings``: the settings modal's parser
    (``bot.blocks.settings``) returns them and ``WorkspaceService.update`` saves them."""

    timezone: str
    fiscal_year_start_month: int
    cadence: Cadence
    checkin_weekday: int
    checkin_time: str
    digest_weekday: int
    digest_time: str
    holidays: tuple[str, ...]
    escalation_enabled: bool
