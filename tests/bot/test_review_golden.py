"""Golden files of the review scorecard: Northwind's 2027-Q1 (the example plan plus a seeded
quarter of check-ins and updates, ``tests/bot/test_review_support.py``), one file per unit
reviewed, holding the scorecard as stored and the thread's opening message as posted.

Regenerate after an intended change with
``GOALBOT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/bot/test_review_golden.py`` and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.blocks.limits import check_message
from bot.blocks.review import review_message
from bot.domain.periods import Period
from bot.domain.review import DiagnosisKind, Scorecard
from bot.reviews.data import load_quarter
from bot.reviews.measure import QuarterScorecards
from bot.reviews.policy import review_periods
from storage.db import unit_of_work
from storage.repositories.reviews import units_with_goals
from tests.bot.test_review_support import NORTHWIND, REVIEW_AT, seed_quarter, unit_ids

GOLDEN = Path(__file__).parent / "data" / "review"
UPDATE = os.environ.get("GOALBOT_UPDATE_GOLDEN") == "1"
QUARTER = Period(2027, 1)


@pytest.fixture
def cards(engine: Engine) -> dict[str, Scorecard]:
    """Every reviewed unit's scorecard of Northwind's seeded 2027-Q1, by unit key."""
    seed_quarter(engine)
    keys = {unit_id: key for key, unit_id in unit_ids(engine).items()}
    with unit_of_work(engine) as session:
        data = load_quarter(session, NORTHWIND, QUARTER, REVIEW_AT)
        reviewed = units_with_goals(
            session=session, team_id=NORTHWIND, periods=review_periods(QUARTER)
        )
    built = QuarterScorecards(data)
    return {keys[unit_id]: built.for_unit(unit_id) for unit_id in reviewed}


def _document(card: Scorecard) -> dict[str, Any]:
    message = review_message(card, review_id=1)
    return {
        "scorecard": card.to_json(),
        "message": {"text": message.text, "blocks": message.blocks},
    }


def test_each_units_scorecard_and_message_match_their_golden_file(
    cards: dict[str, Scorecard],
) -> None:
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for key, card in cards.items():
            text = json.dumps(_document(card), indent=2, ensure_ascii=False) + "\n"
            (GOLDEN / f"{key}.json").write_text(text, encoding="utf-8")
    stored = sorted(path.stem for path in GOLDEN.glob("*.json"))
    assert stored == sorted(cards), "a reviewed unit was added or lost: regenerate and check"
    for key, card in cards.items():
        expected = json.loads((GOLDEN / f"{key}.json").read_text(encoding="utf-8"))
        assert _document(card) == expected, f"{key}: the scorecard changed"


def test_the_seeded_quarter_shows_each_diagnosis(cards: dict[str, Scorecard]) -> None:
    kinds = {key: card.diagnosis.kind for key, card in cards.items()}
    assert kinds["sales-na"] is DiagnosisKind.ON_COURSE  # rhythm kept, numbers moved
    assert kinds["sales-emea"] is DiagnosisKind.STRATEGY  # rhythm kept, numbers flat
    assert kinds["sales-apac"] is DiagnosisKind.EXECUTION  # rhythm broke
    assert "company" not in cards  # only FY2027 goals: reviewed at the end of 2027-Q4


def test_the_golden_scorecards_read_back_and_fit_slack(cards: dict[str, Scorecard]) -> None:
    for card in cards.values():
        assert Scorecard.from_json(card.to_json()) == card
        message = review_message(card, review_id=1)
        check_message(message.blocks, text=message.text)
    sales = cards["sales"]
    assert [csf.rank for csf in sales.csfs] == [1, 2, 3]
    assert sales.counts.open == 4 and sales.rhythm.people == 7
    product_marketing = cards["product-marketing"]
    assert (product_marketing.counts.achieved, product_marketing.counts.open) == (1, 1)
