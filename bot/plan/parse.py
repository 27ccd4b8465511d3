"""Read a plan file into entries, remembering the line of every value.

YAML goes through PyYAML's node API (``yaml.compose``) so each mapping, key and scalar keeps
its ``start_mark``; values are converted by ``bot.plan.fields`` from their text, so YAML's
own typing (``on`` → true, ``2027-02-30`` → a bad timestamp) never gets in the way.

In a flow mapping (``{name: ARR, target: 1,000}``) YAML splits ``1,000`` at its comma into
``target: 1`` and a key ``000``; a number cut that way (no space after the comma) is joined
back, so it reads as a person wrote it. A metric's ``baseline`` and ``target`` are read in
its ``unit``, wherever in the mapping the unit is given.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.plan.errors import PlanError, Where
from bot.plan.fields import (
    CSF_FIELDS,
    GOAL_FIELDS,
    METRIC_FIELDS,
    PERSON_FIELDS,
    UNIT_FIELDS,
    WORKSPACE_FIELDS,
    Field,
    in_unit,
)
from bot.plan.model import Entry, Plan, check_required, read_value
from bot.plan.parse_csv import parse_goals_csv

_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_NUMBER_TAIL = re.compile(r"^\d[\d.]*[kKmMbB%]?$")  # what follows a comma YAML split on
# libyaml's loader when PyYAML was built with it: the same nodes and marks, ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SECTIONS: dict[str, dict[str, Field]] = {
    "units": UNIT_FIELDS,
    "people": PERSON_FIELDS,
    "csfs": CSF_FIELDS,
    "goals": GOAL_FIELDS,
}


def parse_file(path: str | Path) -> tuple[Plan, list[PlanError]]:
    """Parse a plan: ``.csv`` as a goals table, anything else as a YAML plan."""
    name = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        error = Where(name, 1, "file").error(f"not UTF-8 text ({exc.reason})")
        return Plan(name, readable=False), [error]
    if name.lower().endswith(".csv"):
        return parse_goals_csv(name, text)
    return parse_yaml(name, text)


def parse_yaml(file: str, text: str) -> tuple[Plan, list[PlanError]]:
    """Parse a YAML plan's text; malformed YAML gives one error at the parser's line."""
    plan, errors = Plan(file, readable=False), list[PlanError]()
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return plan, [Where(file, line, "yaml").error(_yaml_message(exc))]
    except yaml.YAMLError as exc:
        return plan, [Where(file, 1, "yaml").error(str(exc))]
    if not isinstance(root, MappingNode):
        message = "expected a mapping of workspace, people, units, csfs and goals"
        return plan, [Where(file, 1, "yaml").error(message)]
    plan.readable = True
    for name, line, node in _pairs(root, Where(file, 1), errors):
        _section(plan, name, node, Where(file, line, name), errors)
    return plan, errors


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [exc.context or "", exc.problem or ""]
    return "malformed YAML: " + ", ".join(part for part in parts if part)


def _section(plan: Plan, name: str, node: Node, where: Where, errors: list[PlanError]) -> None:
    if name == "workspace":
        if _is_null(node):
            return
        if isinstance(node, MappingNode):
            plan.workspace = _entry(node, where, WORKSPACE_FIELDS, errors)
        else:
            errors.append(where.error("expected a mapping of workspace settings"))
        return
    fields = _SECTIONS.get(name)
    if fields is None:
        errors.append(where.error(_unknown("section", name, ["workspace", *_SECTIONS])))
    elif not _is_null(node):
        getattr(plan, name).extend(_entries(node, where, fields, errors))


def _entries(
    node: Node, where: Where, fields: dict[str, Field], errors: list[PlanError]
) -> Iterator[Entry]:
    if not isinstance(node, SequenceNode):
        errors.append(where.error("expected a list of entries (each line starting with '- ')"))
        return
    for index, item in enumerate(node.value):
        item_where = where.item(index, _line(item))
        if not isinstance(item, MappingNode):
            errors.append(item_where.error("expected a mapping of fields"))
            continue
        entry = _entry(item, item_where, fields, errors)
        if fields is PERSON_FIELDS and not {"slack_id", "email"} & entry.src.keys():
            errors.append(item_where.error("give slack_id or email (or both)"))
        yield entry


def _entry(
    node: MappingNode, where: Where, fields: dict[str, Field], errors: list[PlanError]
) -> Entry:
    entry = Entry(where)
    for name, line, value in _pairs(node, where, errors):
        at = where.child(name, line)
        if fields is GOAL_FIELDS and name == "metric":
            _metric(entry, value, at, errors)
        elif name not in fields:
            known = [*fields, "metric"] if fields is GOAL_FIELDS else list(fields)
            errors.append(at.error(_unknown("field", name, known)))
        else:
            _read(entry, name, fields[name], value, at, errors)
    check_required(entry, fields, where, errors)
    return entry


def _metric(entry: Entry, node: Node, where: Where, errors: list[PlanError]) -> None:
    entry.src["metric"] = where
    if _is_null(node):
        for stored in ("metric_name", "metric_unit", "baseline", "target"):
            entry.values[stored], entry.src[stored] = None, where
        return
    if not isinstance(node, MappingNode):
        errors.append(where.error("expected a mapping: name, unit, baseline, target, direction"))
        return
    pairs = list(_pairs(node, where, errors))
    unit = next((_text(value) for name, _, value in pairs if name == "unit"), None)
    for name, line, value in pairs:
        at = where.child(name, line)
        if name not in METRIC_FIELDS:
            errors.append(at.error(_unknown("field", name, list(METRIC_FIELDS))))
            continue
        stored, spec = METRIC_FIELDS[name]
        _read(entry, stored, in_unit(stored, spec, unit), value, at, errors)
    for name, (stored, spec) in METRIC_FIELDS.items():
        if spec.required and stored not in entry.src:
            errors.append(where.child(name).error("missing required field"))


def _read(
    entry: Entry, name: str, spec: Field, node: Node, where: Where, errors: list[PlanError]
) -> None:
    if isinstance(node, ScalarNode):
        read_value(entry, name, spec, None if _is_null(node) else str(node.value), where, errors)
        return
    entry.src[name] = where
    entry.invalid.add(name)
    kind = "list" if isinstance(node, SequenceNode) else "mapping"
    errors.append(where.error(f"expected a single value, not a {kind}"))


def _pairs(
    node: MappingNode, where: Where, errors: list[PlanError]
) -> Iterator[tuple[str, int, Node]]:
    seen: dict[str, int] = {}
    for key_node, value_node in _joined(node):
        line = _line(key_node)
        if not isinstance(key_node, ScalarNode) or _is_null(key_node):
            errors.append(Where(where.file, line, where.field or "yaml").error("expected a name"))
            continue
        name = str(key_node.value)
        if name in seen:
            errors.append(
                where.child(name, line).error(f"given twice (first at line {seen[name]})")
            )
            continue
        seen[name] = line
        yield name, line, value_node


def _joined(node: MappingNode) -> list[tuple[Node, Node]]:
    """The mapping's pairs, with numbers a flow mapping split at a comma joined back:
    ``{target: 1,000}`` is ``target: 1`` then ``000: null`` to YAML, ``target: 1,000`` here."""
    pairs: list[tuple[Node, Node]] = []
    for key_node, value_node in node.value:
        if node.flow_style and pairs and _continues(pairs[-1][1], key_node, value_node):
            before = pairs[-1][1]
            joined = ScalarNode(
                _STR_TAG, f"{before.value},{key_node.value}", before.start_mark, key_node.end_mark
            )
            pairs[-1] = (pairs[-1][0], joined)
            continue
        pairs.append((key_node, value_node))
    return pairs


def _continues(before: Node, key_node: Node, value_node: Node) -> bool:
    """True when ``key_node`` is the rest of the number ``before``, cut off by a comma."""
    return (
        isinstance(before, ScalarNode)
        and isinstance(key_node, ScalarNode)
        and not before.style  # plain, not quoted (None or "" depending on the loader)
        and not key_node.style
        and _is_null(value_node)
        and not value_node.value
        and bool(_NUMBER_TAIL.match(str(key_node.value)))
        and key_node.start_mark.index == before.end_mark.index + 1
    )


def _text(node: Node) -> str | None:
    return str(node.value) if isinstance(node, ScalarNode) and not _is_null(node) else None


def _unknown(kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(known)})"
    return f"unknown {kind} '{name}'{hint}"


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1
