"""Owners closing their quarter's goals from the review's close-out DM, one tap per goal."""

from __future__ import annotations

from devkit.demo.personas import Persona
from devkit.demo.seen import check_status, dm_state, shows, wait_for
from devkit.people import SlackDriver
from devkit.standin import SlackStandin

MAX_GOALS = 50
LABELS = {"achieved": "Achieved", "missed": "Missed", "carried_over": "Carry over"}


def outcome(persona: Persona) -> str:
    """How a person ends their quarter's goals: by the pace they kept."""
    if persona.pace >= 0.95:
        return "achieved"
    return "missed" if persona.pace < 0.7 else "carried_over"


def close_out(slack: SlackStandin, driver: SlackDriver, user_id: str, persona: Persona) -> int:
    """Answer the close-out DM one goal at a time (each tap replaces the DM); goals closed."""
    label = LABELS[outcome(persona)]
    closed = 0
    while closed < MAX_GOALS and any(shows(m, label) for m in slack.dm_messages(user_id)):
        _tap(slack, driver, user_id, label)
        closed += 1
    return closed


def _tap(slack: SlackStandin, driver: SlackDriver, user_id: str, label: str) -> None:
    before = dm_state(slack, user_id)
    check_status(driver.click_in_dm(user_id, label).status, f"{user_id}'s {label}")
    wait_for(lambda: dm_state(slack, user_id) != before, f"{user_id}'s {label}")
