"""Who a person reference (a Slack id or an email) names, across the file and the database.

People are matched by Slack id, else by email. Someone given only by email and not yet in
the workspace is stored with a placeholder Slack id (``unlinked:…``) until a later import
(or the bot) supplies the real one; a file entry with both ids links such a row.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bot.plan.errors import PlanError
from bot.plan.model import Entry

UNLINKED_PREFIX = "unlinked:"
Row = dict[str, Any]


def placeholder_slack_id(email: str) -> str:
    """The stand-in Slack id of someone known only by email (stable for that email)."""
    return UNLINKED_PREFIX + hashlib.sha256(email.lower().encode()).hexdigest()[:20]


def is_unlinked(slack_user_id: str) -> bool:
    """True for a placeholder Slack id given to someone known only by email."""
    return slack_user_id.startswith(UNLINKED_PREFIX)


@dataclass
class PersonMatch:
    """A file entry, the stored person it updates (None: a new one) and its final Slack id."""

    entry: Entry
    row: Row | None
    slack_user_id: str


class People:
    """Every person of the workspace after the import, addressable by Slack id or email."""

    def __init__(self, entries: list[Entry], rows: list[Row], errors: list[PlanError]) -> None:
        self.matches: list[PersonMatch] = []
        self._seen: dict[str, Entry] = {}
        self._rows_by_slack = {str(row["slack_user_id"]): row for row in rows}
        self._rows_by_email: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            if row["email"]:
                self._rows_by_email[str(row["email"]).lower()].append(row)
        self._by_slack = {slack: slack for slack in self._rows_by_slack}
        self._by_email = {
            mail: str(found[0]["slack_user_id"]) if len(found) == 1 else None
            for mail, found in self._rows_by_email.items()
        }
        for entry in entries:
            self._add(entry, errors)

    def resolve(self, ref: str) -> str | None:
        """The final Slack id of the person a reference names, or None."""
        if "@" in ref:
            return self._by_email.get(ref.strip().lower())
        return self._by_slack.get(ref.strip())

    def unknown(self, ref: str) -> str:
        """Why a reference names nobody."""
        if "@" in ref and ref.strip().lower() in self._by_email:
            return f"email '{ref}' belongs to several people in the workspace: use a Slack id"
        return f"unknown person '{ref}': list them under people, or use someone in the workspace"

    def _add(self, entry: Entry, errors: list[PlanError]) -> None:
        if entry.invalid & {"slack_id", "email"}:
            return
        slack, mail = entry.get("slack_id"), entry.get("email")
        if not slack and not mail:
            return
        row, problem = self._stored(slack, mail)
        if problem:
            errors.append(entry.at("slack_id" if slack else "email").error(problem))
            return
        final = slack or (str(row["slack_user_id"]) if row else placeholder_slack_id(mail))
        if self._duplicate(entry, final, mail, errors):
            return
        self.matches.append(PersonMatch(entry, row, final))
        self._by_slack[final] = final
        if mail:
            self._by_email[mail.lower()] = final

    def _stored(self, slack: str | None, mail: str | None) -> tuple[Row | None, str | None]:
        if slack and slack in self._rows_by_slack:
            return self._rows_by_slack[slack], None
        found = self._rows_by_email.get(mail.lower(), []) if mail else []
        if slack:
            linked = [row for row in found if not is_unlinked(str(row["slack_user_id"]))]
            if linked:
                owner = linked[0]["slack_user_id"]
                return None, f"email '{mail}' belongs to {owner} in the workspace, not {slack}"
        if len(found) > 1:
            return None, f"email '{mail}' belongs to several people in the workspace"
        return (found[0] if found else None), None

    def _duplicate(
        self, entry: Entry, final: str, mail: str | None, errors: list[PlanError]
    ) -> bool:
        field, earlier = "slack_id", self._seen.get(final)
        if earlier is None and mail:
            field, earlier = "email", self._seen.get(mail.lower())
        if earlier is None:
            self._seen[final] = entry
            if mail:
                self._seen[mail.lower()] = entry
            return False
        where = earlier.where
        message = f"the same person as {where.field} (line {where.line})"
        errors.append(entry.at(field if field in entry.src else "email").error(message))
        return True
