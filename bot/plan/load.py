"""Import a plan: parse, validate against the workspace, and load it in one transaction.

Rows are matched by stable key (units, CSFs and goals by ``key``; people by Slack id, else
email), so importing the same file again changes nothing, and an edited file updates rows
in place with an audit event (actor ``import``) per changed row. Stored rows the file does
not mention are left alone. When anything is wrong, every problem is reported in one
``PlanErrors`` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from bot.domain.clock import Clock
from bot.plan.errors import PlanError, PlanErrors, Where
from bot.plan.keys import unique
from bot.plan.model import Entry, Plan
from bot.plan.parse import parse_file
from bot.plan.people import People
from bot.plan.result import ImportResult
from bot.plan.validate import validate
from bot.plan.write import Change, Writer, columns, new_row, with_closed_at
from storage.db import unit_of_work
from storage.models import Csf, Goal, Person, Unit, Workspace
from storage.repositories.plan import (
    ExistingPlan,
    Row,
    ids_by,
    insert_rows,
    max_goal_number,
    read_existing,
    sole_workspace_id,
)

Desired = Callable[[str, Entry, Row], Row]


TeamChoice = Callable[[str | None], str | None]
"""Given the plan's own ``workspace.team_id`` (None when it names none), the workspace to import
into (None: the plan's, else the database's only one); raises to refuse the import."""


def import_plan(
    engine: Engine,
    path: str | Path,
    clock: Clock,
    team_id: str | None = None,
    *,
    choose_team: TeamChoice | None = None,
) -> ImportResult:
    """Import a YAML plan or a goals CSV into a workspace (`team_id`, else what `choose_team`
    says, else the plan's, else the only one); raise PlanErrors, writing nothing."""
    plan, errors = parse_file(path)
    if not plan.readable:
        raise PlanErrors(errors)
    with unit_of_work(engine) as session:
        if team_id is None and choose_team is not None:
            team_id = choose_team(_file_team(plan))
        team = _team_id(session, plan, team_id)
        if isinstance(team, PlanError):
            raise PlanErrors([*errors, team, *validate(plan, ExistingPlan()).errors])
        existing = read_existing(session=session, team_id=team)
        checked = validate(plan, existing)
        if errors or checked.errors:
            raise PlanErrors([*errors, *checked.errors])
        return _load(session, team, plan, existing, checked.people, clock.now())


def _file_team(plan: Plan) -> str | None:
    from_file = plan.workspace.get("team_id") if plan.workspace else None
    return str(from_file) if from_file else None


def _team_id(session: Session, plan: Plan, given: str | None) -> str | PlanError:
    team = given or _file_team(plan) or sole_workspace_id(session=session)
    if team:
        return str(team)
    where = plan.workspace.at("team_id") if plan.workspace else Where(plan.file, 1, "workspace")
    return where.error("no workspace to import into: give workspace.team_id or a team id")


def _load(
    session: Session,
    team_id: str,
    plan: Plan,
    existing: ExistingPlan,
    people: People,
    now: datetime,
) -> ImportResult:
    loader = _Loader(Writer(session, ImportResult(team_id), now), existing, people)
    loader.workspace(plan.workspace)
    loader.units_and_people(unique(plan.units, "unit", None))
    loader.csfs(unique(plan.csfs, "CSF", None))
    loader.goals(unique(plan.goals, "goal", None))
    loader.writer.finish()
    return loader.writer.result


class _Loader:
    """The import's steps, in the order the foreign keys need."""

    def __init__(self, writer: Writer, existing: ExistingPlan, people: People) -> None:
        self.writer, self.existing, self.people = writer, existing, people
        self.session, self.team_id, self.now = writer.session, writer.result.team_id, writer.now
        self.unit_ids: dict[str, int] = {}
        self.person_ids: dict[str, int] = {}

    def workspace(self, entry: Entry | None) -> None:
        """Create the workspace or update the settings the file gives."""
        given = entry.values.items() if entry else []
        values = {k: v for k, v in given if k != "team_id" and v is not None}
        stored, counts = self.existing.workspace, self.writer.result.workspace
        if stored is None:
            self._create_workspace(values)
            return
        diff = {k: v for k, v in values.items() if getattr(stored, k) != v}
        if not diff:
            counts.unchanged = 1
            return
        self.writer.audit("workspace", None, "update", {k: getattr(stored, k) for k in diff}, diff)
        for name, value in diff.items():
            setattr(stored, name, value)
        counts.updated = 1
        self.session.flush()

    def _create_workspace(self, values: Row) -> None:
        self.session.add(Workspace(id=self.team_id, created_at=self.now, **values))
        self.session.flush()  # the rows inserted next refer to it
        self.writer.result.workspace.created = 1
        self.writer.audit("workspace", None, "create", {}, {"id": self.team_id, **values})

    def units_and_people(self, units: dict[str, Entry]) -> None:
        """Insert new units and people, then settle parents, leads, managers and changes."""
        stored_units = {str(row["key"]): row for row in self.existing.units}
        new_units = {
            key: new_row(Unit, {"key": key, "name": entry.get("name"), "created_at": self.now})
            for key, entry in units.items()
            if key not in stored_units
        }
        self._insert(Unit, new_units)
        self.unit_ids = ids_by(session=self.session, team_id=self.team_id, model=Unit, column="key")
        new_people = self._insert_people()
        refs = {"parent": self.unit_ids.__getitem__, "lead": self._person_id}
        changes = _changes(units, stored_units, new_units, self.unit_ids, _plain(refs))
        self.writer.apply(Unit, "unit", self.writer.result.units, changes)
        self._update_people(new_people)

    def _insert_people(self) -> dict[str, Row]:
        refs = {"unit": self.unit_ids.__getitem__}
        stamps = {"created_at": self.now, "updated_at": self.now}
        new = {
            match.slack_user_id: new_row(
                Person,
                {
                    **columns(match.entry, refs, skip=frozenset({"manager"})),
                    "slack_user_id": match.slack_user_id,
                    **stamps,
                },
            )
            for match in self.people.matches
            if match.row is None
        }
        self._insert(Person, new)
        ids = ids_by(
            session=self.session, team_id=self.team_id, model=Person, column="slack_user_id"
        )
        linked = {
            match.slack_user_id: match.row["id"] for match in self.people.matches if match.row
        }
        self.person_ids = {**ids, **linked}
        return new

    def _update_people(self, new: dict[str, Row]) -> None:
        entries = {match.slack_user_id: match.entry for match in self.people.matches}
        stored = {match.slack_user_id: match.row for match in self.people.matches if match.row}
        refs = {"unit": self.unit_ids.__getitem__, "manager": self._person_id}

        def desired(slack_user_id: str, entry: Entry, _row: Row) -> Row:
            return {**columns(entry, refs), "slack_user_id": slack_user_id}

        changes = _changes(entries, stored, new, self.person_ids, desired)
        self.writer.apply(Person, "person", self.writer.result.people, changes)

    def csfs(self, entries: dict[str, Entry]) -> None:
        """Insert new CSFs and update changed ones."""
        stored = {str(row["key"]): row for row in self.existing.csfs}
        refs = {"unit": self.unit_ids.__getitem__}
        new = {
            key: new_row(Csf, {**columns(entry, refs), "created_at": self.now})
            for key, entry in entries.items()
            if key not in stored
        }
        self._insert(Csf, new)
        ids = ids_by(session=self.session, team_id=self.team_id, model=Csf, column="key")
        changes = _changes(entries, stored, new, ids, _plain(refs))
        self.writer.apply(Csf, "csf", self.writer.result.csfs, changes)

    def goals(self, entries: dict[str, Entry]) -> None:
        """Insert new goals (numbered in file order), then set parents and apply changes."""
        stored = {str(row["key"]): row for row in self.existing.goals if row["key"]}
        csf_ids = ids_by(session=self.session, team_id=self.team_id, model=Csf, column="key")
        refs = {
            "owner": self._person_id,
            "unit": self.unit_ids.__getitem__,
            "csf": csf_ids.__getitem__,
        }
        number = max_goal_number(session=self.session, team_id=self.team_id)
        new: dict[str, Row] = {}
        for key, entry in entries.items():
            if key not in stored:
                number += 1
                new[key] = self._new_goal(entry, refs, number)
        self._insert(Goal, new)
        ids = ids_by(session=self.session, team_id=self.team_id, model=Goal, column="key")
        refs["parent"] = ids.__getitem__

        def desired(_key: str, entry: Entry, row: Row) -> Row:
            return with_closed_at(columns(entry, refs), row, self.now)

        changes = _changes(entries, stored, new, ids, desired)
        self.writer.apply(Goal, "goal", self.writer.result.goals, changes)

    def _new_goal(self, entry: Entry, refs: dict[str, Callable[[str], int]], number: int) -> Row:
        values = with_closed_at(columns(entry, refs, skip=frozenset({"parent"})), {}, self.now)
        stamps = {"number": number, "created_at": self.now, "updated_at": self.now}
        return new_row(Goal, {**values, **stamps})

    def _insert(self, model: type[SQLModel], rows: dict[str, Row]) -> None:
        rows_list = list(rows.values())
        insert_rows(session=self.session, team_id=self.team_id, model=model, rows=rows_list)

    def _person_id(self, ref: str) -> int:
        return self.person_ids[self.people.resolve(ref) or ref]


def _plain(refs: dict[str, Callable[[str], int]]) -> Desired:
    def desired(_key: str, entry: Entry, _row: Row) -> Row:
        return columns(entry, refs)

    return desired


def _changes(
    entries: dict[str, Entry],
    stored: dict[str, Row],
    new: dict[str, Row],
    ids: dict[str, int],
    desired: Desired,
) -> list[Change]:
    changes = []
    for key, entry in entries.items():
        current = {**new[key], "id": ids[key]} if key in new else stored[key]
        wanted = desired(key, entry, current)
        changes.append(Change(int(current["id"]), current, wanted, key in new))
    return changes
