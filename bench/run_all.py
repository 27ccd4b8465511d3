"""Run every benchmark on SQLite and PostgreSQL and write docs/benchmarks.md.

    .venv/bin/python bench/run_all.py [--quick] [--only NAME[,NAME...]] [--backend ...]

Each module named in MODULES exposes ``run(backend, *, quick) -> list[Figure]``; a module
that does not exist (yet) is reported as not available, and one that fails is reported with
its error, so one broken benchmark never hides the others' figures. PostgreSQL is the server
at ``GOALBOT_BENCH_POSTGRES_URL``, else ``GOALBOT_TEST_POSTGRES_URL``, else
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; every run uses schemas of its own.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import shlex
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BACKENDS, REPO, RESULTS
from bench.figures import Figure
from bench.machine import machine_info
from bench.orgs import release_orgs
from bench.report import render

# In this order: the generator first (its org is shared by the read-only benchmarks after it).
MODULES = (
    "generate",
    "home_build",
    "digest_build",
    "checkin_planning",
    "checkin_fanout",
    "ack_latency",
    "inbox_ack",
    "shared_budget",
)
OUTPUT = REPO / "docs" / "benchmarks.md"


@dataclass
class Outcome:
    """What one module did on one backend: its figures, or why there are none."""

    module: str
    backend: str
    seconds: float = 0.0
    status: str = "ok"  # "ok", "not available", "failed"
    detail: str = ""
    figures: list[Figure] = field(default_factory=list)


def load(name: str) -> tuple[object | None, str]:
    """The benchmark module `bench.<name>` and "", or None and why it cannot run."""
    if importlib.util.find_spec(f"bench.{name}") is None:
        return None, f"bench/{name}.py does not exist"
    try:
        module = importlib.import_module(f"bench.{name}")
    except Exception as exc:  # noqa: BLE001  (reported in the table, the others still run)
        return None, f"import failed: {type(exc).__name__}: {exc}"
    if not callable(getattr(module, "run", None)):
        return None, f"bench/{name}.py has no run(backend, *, quick)"
    return module, ""


def run_one(module: object, name: str, backend: str, quick: bool) -> Outcome:
    """Run one module on one backend, catching its failure."""
    started = time.perf_counter()
    outcome = Outcome(name, backend)
    try:
        outcome.figures = list(module.run(backend, quick=quick))  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001  (reported in the table, the others still run)
        traceback.print_exc()
        outcome.status, outcome.detail = "failed", f"{type(exc).__name__}: {exc}"
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_all(names: Sequence[str], backends: Sequence[str], quick: bool) -> list[Outcome]:
    """Every module on every backend, in order; progress on stderr."""
    outcomes = []
    for name in names:
        module, why = load(name)
        for backend in backends:
            if module is None:
                outcomes.append(Outcome(name, backend, status="not available", detail=why))
                log(f"[{name}] not available: {why}")
                continue
            log(f"[{name}] {backend}: running{' (quick)' if quick else ''}")
            outcome = run_one(module, name, backend, quick)
            outcomes.append(outcome)
            log(f"[{name}] {backend}: {outcome.status} in {outcome.seconds:.1f} s")
    release_orgs()
    return outcomes


def log(message: str) -> None:
    """Progress, on stderr."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="bench/run_all.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/10 scale: under 2 minutes")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help=f"among {', '.join(MODULES)}"
    )
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the Markdown to write")
    args = parser.parse_args(argv)
    args.only = [name for names in args.only for name in names.split(",") if name]
    unknown = [name for name in args.only if name not in MODULES]
    if unknown:
        parser.error(f"unknown benchmarks {unknown}: choose among {', '.join(MODULES)}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmarks, write the Markdown report and a JSON copy of the figures."""
    args = parse_args(argv)
    command = " ".join([".venv/bin/python bench/run_all.py", *map(shlex.quote, sys.argv[1:])])
    names = [name for name in MODULES if not args.only or name in args.only]
    backends = list(BACKENDS) if args.backend == "both" else [args.backend]
    before = machine_info()
    started = time.perf_counter()
    outcomes = run_all(names, backends, args.quick)
    seconds = time.perf_counter() - started
    text = render(outcomes, before, machine_info(), command, args.quick, seconds)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "run_all.json").write_text(
        json.dumps([asdict(outcome) for outcome in outcomes], indent=2) + "\n", encoding="utf-8"
    )
    print(text)
    log(f"wrote {args.output} ({seconds:.0f} s in all)")


if __name__ == "__main__":
    main()
