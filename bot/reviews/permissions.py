"""Who may start a unit's review or choose its channel: its leads, executives and admins.

Starting every unit's review at once (no unit named) is for executives and admins. A refusal
names who can, as everywhere in goalbot.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import PermissionDenied
from bot.services.permissions import Actor, Authority, leads_on_chain

MAX_NAMES = 3


def require_run_review(actor: Actor, authority: Authority | None, what: str) -> None:
    """Raise PermissionDenied, naming who can, unless the actor may ``what`` (start, move…).

    ``authority`` is the unit's (None: every unit, seniors only).
    """
    if actor.is_senior:
        return
    if authority is not None and leads_on_chain(actor, authority):
        return
    seniors = [
        _named("an executive", authority.executives if authority else ()),
        _named("an admin", authority.admins if authority else ()),
    ]
    if authority is None:
        raise PermissionDenied(
            f"Only {_either(seniors)} can {what} of every unit; a lead can {what} of their "
            "own unit with its key, like `/goal review start sales`."
        )
    leads = [
        f"{link.lead_name} (lead of {link.unit_name})" for link in authority.chain if link.lead_name
    ]
    who = _either([*dict.fromkeys(leads), *seniors])
    raise PermissionDenied(f"Only {who} can {what} of {authority.unit_name}.")


def _named(role: str, names: Sequence[str]) -> str:
    if not names:
        return role
    shown = ", ".join(names[:MAX_NAMES])
    more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    return f"{role} ({shown}{more})"


def _either(options: Sequence[str]) -> str:
    if len(options) <= 1:
        return "".join(options)
    return ", ".join(options[:-1]) + " or " + options[-1]
