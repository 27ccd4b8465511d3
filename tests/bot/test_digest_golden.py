"""Golden digests of a known org: the example plan plus six weeks of generated updates.

The files under ``tests/bot/data/digest/`` are the messages exactly as posted (JSON) and their
visible text (``.txt``, for reading a change in review). After an intended change, regenerate
them and read the diff::

    GOALBOT_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/bot/test_digest_golden.py -k sqlite

Both backends must produce the same bytes: the PostgreSQL run compares against the same files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.blocks.limits import check_message
from bot.digest.service import build_digest
from storage.db import unit_of_work
from storage.repositories.units import get_unit_by_key
from tests.bot.digest_support import DIGEST_AT, TEAM, seed_known_org
from tests.handlers.harness import rendered

DATA = Path(__file__).parent / "data" / "digest"
REGENERATE = os.environ.get("GOALBOT_REGENERATE_GOLDEN") == "1"


def _digest(engine: Engine, unit_key: str | None) -> list[dict[str, Any]]:
    with unit_of_work(engine) as session:
        unit = get_unit_by_key(session=session, team_id=TEAM, key=unit_key) if unit_key else None
        built = build_digest(session, TEAM, unit.id if unit else None, DIGEST_AT)
    return [{"text": message.text, "blocks": message.blocks} for message in built.messages.all]


def _compare(name: str, messages: list[dict[str, Any]]) -> None:
    text = "\n\n=== next message (in the thread) ===\n\n".join(rendered(m) for m in messages) + "\n"
    payload = json.dumps(messages, indent=1, ensure_ascii=False) + "\n"
    if REGENERATE:
        (DATA / f"{name}.json").write_text(payload, encoding="utf-8")
        (DATA / f"{name}.txt").write_text(text, encoding="utf-8")
    assert (DATA / f"{name}.txt").read_text(encoding="utf-8") == text
    assert (DATA / f"{name}.json").read_text(encoding="utf-8") == payload


@pytest.mark.parametrize(("name", "unit_key"), [("company", None), ("sales", "sales")])
def test_the_known_orgs_digest_matches_its_golden_file(
    engine: Engine, name: str, unit_key: str | None
) -> None:
    seed_known_org(engine)
    messages = _digest(engine, unit_key)
    for message in messages:
        check_message(message["blocks"], text=message["text"])
    _compare(name, messages)
