"""The tag in every message goalbot posts: Slack message metadata naming its outbox row.

A post whose outcome is in doubt (a timeout, a crash between the post and its record) is looked
for in its conversation by this tag before anything is posted again.

| outbox | ``event_type`` | payload key |
|---|---|---|
| DMs: check-ins, reminders, escalations, close-outs | ``goalbot_checkin`` | ``delivery_id`` |
| weekly digests | ``goalbot_digest`` | ``digest_id`` |
| review threads | ``goalbot_review`` | ``review_id`` |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DM_EVENT_TYPE = "goalbot_checkin"
DIGEST_EVENT_TYPE = "goalbot_digest"
REVIEW_EVENT_TYPE = "goalbot_review"


@dataclass(frozen=True)
class Tag:
    """The metadata naming one outbox row: ``event_type`` and ``{key: row id}``."""

    event_type: str
    key: str
    row_id: int

    def metadata(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Slack message metadata naming the row (extra payload keys are kept)."""
        return {
            "event_type": self.event_type,
            "event_payload": {**(extra or {}), self.key: self.row_id},
        }

    def names(self, metadata: Mapping[str, Any] | None) -> bool:
        """True when a message's metadata names this row."""
        return row_id_in(metadata, self.event_type, self.key) == self.row_id


def row_id_in(metadata: Mapping[str, Any] | None, event_type: str, key: str) -> int | None:
    """The row id a message's metadata carries under `key`, when its event type is `event_type`."""
    if not metadata or metadata.get("event_type") != event_type:
        return None
    value: object = (metadata.get("event_payload") or {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return int(value) if str(value).isdigit() else None


def dm_tag(delivery_id: int) -> Tag:
    """The tag of a DM outbox row (check-in, reminder, escalation, close-out)."""
    return Tag(DM_EVENT_TYPE, "delivery_id", delivery_id)


def digest_tag(digest_id: int) -> Tag:
    """The tag of a digest's main message."""
    return Tag(DIGEST_EVENT_TYPE, "digest_id", digest_id)


def review_tag(review_id: int) -> Tag:
    """The tag of a review thread's parent message."""
    return Tag(REVIEW_EVENT_TYPE, "review_id", review_id)


def delivery_id_of(metadata: Mapping[str, Any] | None) -> int | None:
    """The DM outbox row a message's metadata names, or None."""
    return row_id_in(metadata, DM_EVENT_TYPE, "delivery_id")


def review_id_of(metadata: Mapping[str, Any] | None) -> int | None:
    """The review a message's metadata names, or None."""
    return row_id_in(metadata, REVIEW_EVENT_TYPE, "review_id")
