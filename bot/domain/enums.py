"""The enums of the method, for the layers that must not import the tables (handlers).

They are defined once, with the columns that store them, in ``storage.models``; this module
names them for everyone above the storage floor.
"""

from __future__ import annotations

from storage.models import (
    CLOSED_STATUSES,
    Cadence,
    DeliveryKind,
    DeliveryStatus,
    Direction,
    GoalStatus,
    Health,
    Role,
    UpdateSource,
    Visibility,
)

__all__ = [
    "CLOSED_STATUSES",
    "Cadence",
    "DeliveryKind",
    "DeliveryStatus",
    "Direction",
    "GoalStatus",
    "Health",
    "Role",
    "UpdateSource",
    "Visibility",
]
