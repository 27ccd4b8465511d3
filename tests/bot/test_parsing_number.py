"""Numbers as people type them: the parser's table, then each surface that reads a number."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.application import build_services
from bot.blocks.checkin import CheckinEntry, parse_checkin_update
from bot.domain.clock import FixedClock
from bot.parsing.command import UsageError, parse_command
from bot.parsing.number import Ambiguous, Amount, NotANumber, Parsed, parse_amount
from bot.parsing.reply import parse_line
from bot.plan.parse import parse_yaml
from bot.plan.parse_csv import parse_goals_csv
from storage.db import unit_of_work
from storage.models import GoalUpdate
from tests.bot.blocks_support import text_state
from tests.bot.test_blocks_checkin import values_for
from tests.factories import NOW, TEAM, make_goal, seed_org

ASK_1_5 = "`1,5` could be 1.5 or 15: type 1.5 or 15"


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        # thousands separators
        ("1,000", None, 1000.0),
        ("12,500", None, 12500.0),
        ("1,000,000", None, 1_000_000.0),
        ("1 000", None, 1000.0),
        ("1\u00a0000", None, 1000.0),  # a no-break space
        ("1'000", None, 1000.0),
        ("1\u2019000", None, 1000.0),
        ("1_000", None, 1000.0),
        ("1.000.000", None, 1_000_000.0),
        ("1,00,000", None, 100_000.0),  # Indian grouping
        # decimal separators
        ("42", None, 42.0),
        ("12.5", None, 12.5),
        (".5", None, 0.5),
        ("1.500", None, 1.5),  # a lone dot is the decimal point
        ("1.500,25", None, 1500.25),
        ("1,500.25", None, 1500.25),
        ("1 000,5", None, 1000.5),
        ("0,5", None, 0.5),
        ("1234,5", None, 1234.5),
        (",5", None, 0.5),
        # signs and exponents
        ("-5", None, -5.0),
        ("+5", None, 5.0),
        ("\u22125", None, -5.0),  # the Unicode minus
        ("-$5", None, -5.0),
        ("$-5", None, -5.0),
        ("1e3", None, 1000.0),
        ("2.5E-2", None, 0.025),
        # scale letters, currencies, percentages, in the metric's unit
        ("1.2k", None, 1200.0),
        ("3.2K", None, 3200.0),
        ("$1.2M", None, 1_200_000.0),
        ("$1.2M", "$", 1_200_000.0),
        ("$1.2M", "$M", 1.2),
        ("1.2M", "M$", 1.2),
        ("500k", "$M", 0.5),
        ("1.2", "$M", 1.2),
        ("2bn", None, 2e9),
        ("5 €", "€", 5.0),
        ("€5", "EUR", 5.0),
        ("15%", "%", 15.0),
        ("15%", None, 15.0),
        ("15", "%", 15.0),
        ("250k", "k users", 250.0),
    ],
)
def test_numbers_people_type(text: str, unit: str | None, expected: float) -> None:
    assert parse_amount(text, unit=unit) == Amount(expected, text)


@pytest.mark.parametrize(
    ("text", "unit", "readings"),
    [
        ("1,5", None, (1.5, 15.0)),
        ("12,50", None, (12.5, 1250.0)),
        ("-1,5", None, (-1.5, -15.0)),
        ("1,5000", None, (1.5, 15000.0)),
        ("1,5k", None, (1500.0, 15000.0)),
        ("$1,5M", "$M", (1.5, 15.0)),
        ("1,5", "%", (1.5, 15.0)),
    ],
)
def test_a_single_comma_without_three_digits_is_asked_back(
    text: str, unit: str | None, readings: tuple[float, float]
) -> None:
    assert parse_amount(text, unit=unit) == Ambiguous(text, readings)


@pytest.mark.parametrize(
    ("text", "unit", "reason"),
    [
        ("", None, "is empty"),
        ("   ", None, "is empty"),
        ("abc", None, "is not a number"),
        ("lots", None, "is not a number"),
        ("inf", None, "is not a number"),
        ("nan", None, "is not a number"),
        ("5x", None, "`x` is not a unit goalbot knows"),
        ("1..5", None, "separators in odd places"),
        ("1,00,0", None, "separators in odd places"),
        ("1.5,25", None, "separators in odd places"),
        ("1 5", None, "separators in odd places"),
        ("1,", None, "separators in odd places"),
        ("--5", None, "two signs"),
        ("-$-5", None, "two signs"),
        ("$5€", None, "two currency symbols"),
        ("1e999", None, "too large"),
        ("€5", "$", "is in €, but this metric is in $"),
        ("15%", "$", "is a percentage, but this metric is in $"),
        ("$15", "%", "is money, but this metric is a percentage"),
    ],
)
def test_garbage_says_why(text: str, unit: str | None, reason: str) -> None:
    parsed: Parsed = parse_amount(text, unit=unit)
    assert isinstance(parsed, NotANumber)
    assert reason in parsed.message
    assert parsed.message.startswith(f"`{text.strip()}` ")


def test_an_ambiguous_number_asks_which_was_meant() -> None:
    parsed = parse_amount("1,5")
    assert isinstance(parsed, Ambiguous)
    assert parsed.message == ASK_1_5


# /goal update


def test_goal_update_reads_thousands_and_asks_back_a_decimal_comma() -> None:
    assert parse_command("update G-12 1,000 on track").value == 1000.0
    with pytest.raises(UsageError) as raised:
        parse_command("update G-12 1,5")
    assert raised.value.message.startswith(f"{ASK_1_5}.")


def test_goal_update_reads_the_value_in_the_goals_unit_when_told_it() -> None:
    assert parse_command("update G-12 $1.2M", unit_of={12: "$M"}.get).value == 1.2
    assert parse_command("update G-12 $1.2M").value == 1_200_000.0


# typed check-in replies


def test_typed_reply_line_reads_thousands_and_asks_back_a_decimal_comma() -> None:
    line = parse_line("G-3 1,000 on track")
    assert not isinstance(line, str) and line.value == 1000.0
    assert parse_line("G-3 1,5 on track") == f"`G-3 1,5 on track`: {ASK_1_5}."
    assert not isinstance(found := parse_line("G-3 $1.2M", units={3: "$M"}), str)
    assert found.value == 1.2


def test_typed_reply_records_1000_in_the_goals_unit_and_never_stores_1_5(engine: Engine) -> None:
    org = seed_org(engine)
    with unit_of_work(engine) as session:
        make_goal(session, org.rep, org.emea, number=1, metric_name="Deals", target=5000.0)
        make_goal(session, org.rep, org.emea, number=2, metric_name="ARR", metric_unit="$M")
    services = build_services(engine, FixedClock(NOW))
    outcome = services.replies.apply(
        team_id=TEAM,
        actor_id=org.rep.slack_user_id or "",
        text="G-1 1,000 on track\nG-2 $1.5M\nG-1 1,5",
        message_key="m1",
    )
    assert [label for label, _ in outcome.recorded] == ["G-1", "G-2"]
    assert outcome.problems == [f"`G-1 1,5`: {ASK_1_5}."]
    with unit_of_work(engine) as session:
        values = sorted(update.value or 0.0 for update in session.exec(select(GoalUpdate)))
    assert values == [1.5, 1000.0]


# plan files


PLAN = """goals:
  - key: g1
    title: Grow
    owner: U0A1
    unit: co
    period: 2027-Q1
    metric:
      name: ARR
      baseline: $500k
      target: {target}
      unit: $M
  - {{key: g2, title: Deals, owner: U0A1, unit: co, period: 2027-Q1,
      metric: {{name: Deals, target: {target}}}}}
"""


def test_plan_reads_1000_in_block_and_flow_mappings_and_the_unit_anywhere() -> None:
    plan, errors = parse_yaml("p.yaml", PLAN.format(target="1,000"))
    assert errors == []
    assert plan.goals[0].values["target"] == 1000.0
    assert plan.goals[0].values["baseline"] == 0.5  # $500k in a $M metric
    assert plan.goals[1].values["target"] == 1000.0  # not "target: 1" and a field "000"


def test_plan_asks_back_1_5_at_its_file_line_and_field() -> None:
    _, errors = parse_yaml("p.yaml", PLAN.format(target="1,5"))
    ask = "'1,5' could be 1.5 or 15: type 1.5 or 15"
    assert [str(error) for error in errors] == [
        f"p.yaml:10:goals[0].metric.target: {ask}",
        f"p.yaml:13:goals[1].metric.target: {ask}",
    ]


def test_goals_csv_reads_amounts_in_the_metric_unit_column() -> None:
    header = "key,title,owner,unit,period,metric_name,metric_unit,target\n"
    plan, errors = parse_goals_csv(
        "g.csv", header + 'g1,T,U0A,u,2027-Q1,ARR,$M,$1.2M\ng2,T,U0A,u,2027-Q1,N,,"1,000"\n'
    )
    assert errors == []
    assert [goal.values["target"] for goal in plan.goals] == [1.2, 1000.0]


# the check-in modal


def test_checkin_modal_reads_1000_and_asks_back_1_5_as_a_field_error() -> None:
    good = values_for(12, value=text_state("1,000"))
    assert parse_checkin_update(good) == ([CheckinEntry(12, 1000.0, None, None, "", False)], {})
    entries, errors = parse_checkin_update(values_for(12, value=text_state("1,5")))
    assert entries == []
    assert errors == {"value:12": f"{ASK_1_5} (for G-12)."}


def test_checkin_modal_reads_values_in_each_goals_unit_when_told_it() -> None:
    values = {**values_for(12, value=text_state("$1.2M")), **values_for(13, value=text_state("5"))}
    entries, errors = parse_checkin_update(values, units={12: "$M", 13: None})
    assert errors == {}
    assert [entry.value for entry in entries] == [1.2, 5.0]
