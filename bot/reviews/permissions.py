"""Who may start a unit's review or choose its channel: its leads, executives and admins.

Starting every unit's review at once (no unit named) is for executives and admins. A refusal
names who can, as everywhere in goalbot.
"""

from __future__ import annotations

from bot.domain.errors import PermissionDenied
from bot.services.permissions import Actor, Authority, either_of, leads_on_chain, named


def require_run_review(actor: Actor, authority: Authority | None, what: str) -> None:
    """Raise PermissionDenied, naming who can, unless the actor may ``what`` (start, move…).

    ``authority`` is the unit's (None: every unit, seniors only).
    """
    if actor.is_senior:
        return
    if authority is not None and leads_on_chain(actor, authority):
        return
    seniors = [
        named("an executive", authority.executives if authority else ()),
        named("an admin", authority.admins if authority else ()),
    ]
    if authority is None:
        raise PermissionDenied(
            f"Only {either_of(seniors)} can {what} of every unit; a lead can {what} of their "
            "own unit with its key, like `/goal review start sales`."
        )
    leads = [
        f"{link.lead_name} (lead of {link.unit_name})" for link in authority.chain if link.lead_name
    ]
    who = either_of([*dict.fromkeys(leads), *seniors])
    raise PermissionDenied(f"Only {who} can {what} of {authority.unit_name}.")
