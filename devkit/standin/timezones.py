"""The timezone fields Slack puts on a user."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devkit.standin.models import JSON

# Slack's tz_label is the long zone name; the common ones, keyed by their abbreviation.
_TZ_LABELS = {
    "UTC": "Coordinated Universal Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
}


def tz_fields(tz: str | None, at: datetime) -> JSON:
    """``tz``, ``tz_label`` and ``tz_offset`` as Slack reports them at the instant `at`."""
    if not tz:
        return {"tz": None, "tz_label": "", "tz_offset": 0}
    try:
        local = at.astimezone(ZoneInfo(tz))
    except ZoneInfoNotFoundError:
        return {"tz": tz, "tz_label": "", "tz_offset": 0}
    abbreviation = local.tzname() or ""
    offset = local.utcoffset()
    return {
        "tz": tz,
        "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }
