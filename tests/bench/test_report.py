"""Figures, their table, and what bench/run_all.py does with missing or failing benchmarks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench.figures import Figure, at_least, below, format_value, markdown_table, verdict
from bench.report import render
from bench.run_all import Outcome, load, parse_args, run_one

MACHINE = {
    "date": "2027-06-21 09:00 UTC",
    "CPU": "Test CPU, 2 logical cores",
    "load average (1, 5, 15 min)": "0.10, 0.20, 0.30",
}


def figure(value: float | None, met: bool | None, target: str = "< 100 ms") -> Figure:
    return Figure("a lead's App Home", "sqlite", value, "ms", target, met, "median of 25")


def test_values_are_rounded_for_reading_with_their_unit() -> None:
    assert format_value(figure(1234.5, True)) == "1,234 ms"
    assert format_value(figure(56.34, True)) == "56.3 ms"
    assert format_value(figure(0.046, True)) == "0.05 ms"
    assert format_value(Figure("rate", "-", 48_599.2, "/s", "", None)) == "48,599/s"
    assert format_value(Figure("share", "-", 93.0, "%", "", None)) == "93%"
    assert format_value(figure(None, None)) == "not measured"


def test_a_verdict_needs_a_target_and_a_value() -> None:
    assert below(99.9, 100) is True and below(100, 100) is False and below(None, 1) is None
    assert at_least(90, 90) is True and at_least(89.9, 90) is False
    assert [verdict(figure(1, True)), verdict(figure(1, False))] == ["met", "**missed**"]
    assert verdict(figure(1, None, target="")) == "-"
    assert verdict(figure(None, None)) == "not measured"


def test_the_table_has_one_row_per_figure_and_escapes_pipes() -> None:
    table = markdown_table([figure(50, True), Figure("a | b", "postgres", 1, "s", "", None)])
    lines = table.splitlines()
    assert lines[0] == "| figure | backend | value | target | met | note |"
    assert len(lines) == 4
    assert "a \\| b" in lines[3] and "reported" in lines[3]


def test_a_missing_benchmark_is_not_available_and_a_failing_one_is_reported() -> None:
    module, why = load("no_such_benchmark")
    assert module is None and "bench/no_such_benchmark.py does not exist" in why

    def broken(backend: str, *, quick: bool) -> list[Figure]:
        raise RuntimeError(f"no database on {backend}")

    failed = run_one(SimpleNamespace(run=broken), "broken", "postgres", quick=True)
    assert (failed.status, failed.detail) == ("failed", "RuntimeError: no database on postgres")

    def fine(backend: str, *, quick: bool) -> list[Figure]:
        return [figure(10.0 if quick else 20.0, True)]

    ok = run_one(SimpleNamespace(run=fine), "fine", "sqlite", quick=True)
    assert (ok.status, [f.value for f in ok.figures]) == ("ok", [10.0])


def test_the_report_names_the_machine_the_command_and_every_miss() -> None:
    outcomes = [
        Outcome("home_build", "sqlite", 3.5, figures=[figure(555, False)]),
        Outcome("home_build", "postgres", 2.0, figures=[figure(48, True)]),
        Outcome("digest_build", "sqlite", status="not available", detail="no file"),
    ]
    text = render(outcomes, MACHINE, MACHINE, "bench/run_all.py --quick", True, 75.0)
    assert "`bench/run_all.py --quick`" in text and "1 min 15 s" in text
    assert "| CPU | Test CPU, 2 logical cores |" in text
    assert "| `home_build` | a lead's App Home | sqlite | 555 ms | < 100 ms | **missed** |" in text
    assert "- `home_build` sqlite: a lead's App Home: 555 ms (missed; target < 100 ms)" in text
    assert "- `digest_build` sqlite: not available: no file" in text
    assert "| `digest_build` | - | - |" in text


def test_only_takes_known_names_separated_by_commas(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args(["--only", "generate,home_build", "--only", "ack_latency"]).only == [
        "generate",
        "home_build",
        "ack_latency",
    ]
    with pytest.raises(SystemExit):
        parse_args(["--only", "nonsense"])
    assert "unknown benchmarks ['nonsense']" in capsys.readouterr().err
