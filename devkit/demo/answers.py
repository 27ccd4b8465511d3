"""A simulated person answering their open check-in the way a person would in Slack.

They read the check-in DM the bot posted (which goal is ``G-12``), then click *No change* or
*Away this week*, fill the *Update* modal, or type a reply; and they wait to see the bot take
it (the DM is replaced or answered) before doing anything else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.blocks import ids
from devkit.demo.personas import How, Persona
from devkit.demo.progress import PlanGoal, Report, report_for
from devkit.demo.seen import JSON, AnswerFailed, check_status, dm_state, shows, wait_for
from devkit.people import SlackDriver
from devkit.standin import SlackStandin

_GOAL_LINE = re.compile(r"\*(G-\d+)\* ([^\n]+)")
HEALTH_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}


@dataclass(frozen=True)
class Answered:
    """What one person did with one check-in."""

    how: How
    goals: int


class Answerer:
    """Answers check-ins on behalf of the stand-in's people."""

    def __init__(
        self, slack: SlackStandin, driver: SlackDriver, goals: Mapping[str, PlanGoal], seed: int
    ) -> None:
        self._slack, self._driver, self._goals, self._seed = slack, driver, goals, seed

    def open_checkin(self, user_id: str) -> JSON | None:
        """The newest DM still showing the check-in buttons, if any."""
        messages = reversed(self._slack.dm_messages(user_id))
        return next((m for m in messages if shows(m, "No change")), None)

    def answer(self, user_id: str, persona: Persona, week: int, how: How) -> Answered | None:
        """Answer the open check-in (None when nothing is open any more)."""
        message = self.open_checkin(user_id)
        if message is None:
            return None
        labels = goal_labels(message)
        reports = {
            label: report_for(goal, persona, week, self._seed)
            for label, title in labels.items()
            if (goal := self._goals.get(title)) is not None
        }
        if how == "typed" and not any(r.value is not None for r in reports.values()):
            how = "modal"
        before = dm_state(self._slack, user_id)
        what = f"{user_id}'s {how} answer"
        if how == "no_change":
            check_status(self._driver.click_in_dm(user_id, "No change").status, what)
        elif how == "away":
            check_status(self._driver.click_in_dm(user_id, "Away this week").status, what)
        elif how == "typed":
            check_status(self._driver.dm(user_id, typed_reply(reports)).status, what)
        else:
            self._fill_modal(user_id, reports)
        wait_for(lambda: dm_state(self._slack, user_id) != before, what)
        return Answered(how, len(reports))

    def _fill_modal(self, user_id: str, reports: Mapping[str, Report]) -> None:
        check_status(self._driver.click_in_dm(user_id, "Update").status, "a click on Update")
        views = wait_for(lambda: self._slack.open_views(user_id), f"{user_id}'s update modal")
        numbers = {int(label[2:]) for label in reports}
        answers = modal_answers(views[-1], reports, numbers)
        response = self._driver.submit(user_id, answers)
        body = response.json() or {}
        if response.status != 200 or body.get("errors"):
            raise AnswerFailed(f"the update modal refused {answers}: {body or response.status}")
        self._slack.close_views(user_id)


def goal_labels(message: JSON) -> dict[str, str]:
    """``{"G-12": "Title"}`` for each goal a check-in DM or modal shows."""
    found = {}
    for block in message.get("blocks", []):
        text = str((block.get("text") or {}).get("text", ""))
        for label, title in _GOAL_LINE.findall(text):
            found[label] = html.unescape(title.strip())
    return found


def typed_reply(reports: Mapping[str, Report]) -> str:
    """One line per goal with a value: ``G-12 42 at risk two deals slipped``."""
    lines = []
    for label, report in reports.items():
        if report.value is None:
            continue
        note = f"blocked: {report.note}" if report.blocked else report.note
        lines.append(f"{label} {_number(report.value)} {HEALTH_WORDS[report.health]} {note}")
    return "\n".join(lines)


def modal_answers(view: JSON, reports: Mapping[str, Report], numbers: set[int]) -> JSON:
    """The update modal's inputs answered by block id, for the goals it shows."""
    shown = {
        str(block.get("block_id")) for block in view.get("blocks", []) if block["type"] == "input"
    }
    answers: JSON = {}
    for label, report in reports.items():
        n = int(label[2:])
        fields: JSON = {
            ids.CHECKIN_HEALTH: report.health,
            ids.CHECKIN_CONFIDENCE: str(report.confidence),
            ids.CHECKIN_NOTE: report.note,
            ids.CHECKIN_BLOCKER: ["blocked"] if report.blocked else [],
        }
        if report.value is not None:
            fields[ids.CHECKIN_VALUE] = _number(report.value)
        for field, value in fields.items():
            block_id = ids.goal_block_id(field, n)
            if n in numbers and block_id in shown:
                answers[block_id] = value
    return answers


def _number(value: float) -> str:
    return f"{value:.10g}"
