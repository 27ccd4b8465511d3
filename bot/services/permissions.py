"""Who may change what: pure rules, and refusals that name who can instead.

- Admins (and the ``import``/``system`` actors) may change anything.
- Executives may change company goals (goals of the root unit), every unit's CSFs and settings.
- A unit's lead may change the goals and CSFs of that unit and of every unit below it.
- A goal's owner may record progress on it; everyone else reads.
- Roles are changed by admins only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.errors import PermissionDenied
from storage.models import Role

SYSTEM_ACTORS = frozenset({"import", "system"})
MAX_NAMES = 3


@dataclass(frozen=True)
class Actor:
    """Who is asking: a Slack user (with their person row, when known) or a system actor."""

    slack_user_id: str
    person_id: int | None = None
    name: str = ""
    role: Role = Role.MEMBER

    @property
    def is_system(self) -> bool:
        """True for the plan importer and the scheduler."""
        return self.slack_user_id in SYSTEM_ACTORS

    @property
    def is_admin(self) -> bool:
        """True for admins and system actors."""
        return self.is_system or self.role is Role.ADMIN

    @property
    def is_senior(self) -> bool:
        """True for executives, admins and system actors."""
        return self.is_admin or self.role is Role.EXECUTIVE


@dataclass(frozen=True)
class UnitLead:
    """One unit on a chain and its lead."""

    unit_id: int
    unit_name: str
    lead_id: int | None = None
    lead_name: str | None = None


@dataclass(frozen=True)
class Authority:
    """Who decides about one unit: its chain (the unit first, the root last) and the seniors."""

    chain: tuple[UnitLead, ...] = ()
    admins: tuple[str, ...] = ()
    executives: tuple[str, ...] = ()

    @property
    def unit_name(self) -> str:
        """The name of the unit in question."""
        return self.chain[0].unit_name if self.chain else "this unit"

    @property
    def is_company(self) -> bool:
        """True when the unit is the root of the org tree."""
        return len(self.chain) == 1


def leads_on_chain(actor: Actor, authority: Authority) -> bool:
    """True when the actor leads the unit or a unit above it."""
    return actor.person_id is not None and any(
        link.lead_id == actor.person_id for link in authority.chain
    )


def can_write_goal(actor: Actor, authority: Authority) -> bool:
    """May the actor create, edit, align, reassign or close goals of this unit?"""
    if actor.is_admin or leads_on_chain(actor, authority):
        return True
    return authority.is_company and actor.role is Role.EXECUTIVE


def require_write_goal(actor: Actor, authority: Authority) -> None:
    """Raise PermissionDenied, naming who can, unless the actor may write goals of the unit."""
    if can_write_goal(actor, authority):
        return
    seniors = _seniors(authority, executives=authority.is_company)
    target = "company goals" if authority.is_company else f"goals of {authority.unit_name}"
    raise PermissionDenied(f"Only {either_of([*_leads(authority), *seniors])} can change {target}.")


def can_update_progress(actor: Actor, owner_id: int, authority: Authority) -> bool:
    """May the actor record progress on a goal with this owner in this unit?"""
    owns = actor.person_id is not None and actor.person_id == owner_id
    return owns or can_write_goal(actor, authority)


def require_update_progress(
    actor: Actor, authority: Authority, *, owner_id: int, owner_name: str, goal_label: str
) -> None:
    """Raise PermissionDenied, naming who can, unless the actor may record progress."""
    if can_update_progress(actor, owner_id, authority):
        return
    seniors = _seniors(authority, executives=authority.is_company)
    who = [f"{owner_name} (owner of {goal_label})", *_leads(authority), *seniors]
    raise PermissionDenied(f"Only {either_of(who)} can record progress on {goal_label}.")


def can_change_settings(actor: Actor) -> bool:
    """May the actor change workspace settings?"""
    return actor.is_senior


def require_change_settings(actor: Actor, authority: Authority) -> None:
    """Raise PermissionDenied, naming who can, unless the actor may change settings."""
    if not can_change_settings(actor):
        who = either_of(_seniors(authority, executives=True))
        raise PermissionDenied(f"Only {who} can change goalbot's settings.")


def can_manage_csfs(actor: Actor, authority: Authority) -> bool:
    """May the actor add or remove the unit's CSFs?"""
    return actor.is_senior or leads_on_chain(actor, authority)


def require_manage_csfs(actor: Actor, authority: Authority) -> None:
    """Raise PermissionDenied, naming who can, unless the actor may change the unit's CSFs."""
    if not can_manage_csfs(actor, authority):
        who = either_of([*_leads(authority), *_seniors(authority, executives=True)])
        raise PermissionDenied(f"Only {who} can change the CSFs of {authority.unit_name}.")


def require_manage_person(
    actor: Actor, authority: Authority, *, person_id: int, person_name: str
) -> None:
    """Raise PermissionDenied unless the actor is the person, leads their unit or is an admin."""
    if actor.person_id == person_id or actor.is_admin or leads_on_chain(actor, authority):
        return
    who = either_of([f"{person_name} themself", *_leads(authority), *_seniors(authority)])
    raise PermissionDenied(f"Only {who} can change {person_name}'s away dates.")


def require_set_roles(actor: Actor, authority: Authority) -> None:
    """Raise PermissionDenied, naming the admins, unless the actor is an admin."""
    if not actor.is_admin:
        raise PermissionDenied(f"Only {either_of(_seniors(authority))} can change roles.")


def _leads(authority: Authority) -> list[str]:
    named = [link for link in authority.chain if link.lead_name]
    return list(dict.fromkeys(f"{link.lead_name} (lead of {link.unit_name})" for link in named))


def _seniors(authority: Authority, *, executives: bool = False) -> list[str]:
    seniors = [named("an executive", authority.executives)] if executives else []
    return [*seniors, named("an admin", authority.admins)]


def named(role: str, names: Sequence[str]) -> str:
    """``an admin (Ann, Bo, Cy and 2 more)``: a role and, when known, who holds it."""
    if not names:
        return role
    shown = ", ".join(names[:MAX_NAMES])
    more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    return f"{role} ({shown}{more})"


def either_of(options: Sequence[str]) -> str:
    """``a, b or c``: the people or roles who could do something instead."""
    if len(options) <= 1:
        return "".join(options)
    return ", ".join(options[:-1]) + " or " + options[-1]
