"""Write a realistic org into a goalbot database, fast: the data every scale benchmark runs on.

10,000 people in a dozen time zones (a few with none), 1,500 units up to 6 levels deep under
the company, each with a lead and 2-3 CSFs for the fiscal year, 50,000 goals cascaded
company → unit → team → person by the alignment rules (metric, baseline, target, direction,
due date, CSF links; the last quarter's mostly closed) and 1,000,000 progress updates over
the two quarters before `now` (weekly answers from most owners, irregular or stale from some,
with health, confidence, notes, blockers and "no change"). The same seed writes the same rows.

Rows go in through one transaction: SQLAlchemy Core ``insert()`` executemany batches on
SQLite, psycopg's ``COPY`` on PostgreSQL (``bench/orggen/writer.py``), every constraint of
``storage/models.py`` in force. PostgreSQL's statistics are refreshed after the commit
(autovacuum would do it within minutes in production); SQLite gets none, as goalbot never
runs ANALYZE. The database must be at goalbot's schema (the command line migrates first).

    .venv/bin/python bench/generate.py --database-url URL [--scale 0.1] [--seed 7] [--now ISO]
    .venv/bin/python bench/generate.py [--backend sqlite|postgres|both] [--quick]  # benchmark
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, main_for
from bench.orggen.build import NOW, TEAM_ID, UPDATE, GeneratedOrg, OrgSize, generate
from bench.orgs import shared_org
from storage.db import make_engine
from storage.migrate import upgrade


def figures(org: GeneratedOrg, backend: str) -> list[Figure]:
    """The generator's own figures: time and rows/s for the updates, and the whole org."""
    updates = org.rows.get(UPDATE.name, 0)
    update_seconds = org.seconds.get(UPDATE.name, 0.0)
    rate = updates / update_seconds if update_seconds else None
    written = sum(org.rows.values())
    per_table = ", ".join(
        f"{name} {org.rows[name]:,} rows in {seconds:.1f} s"
        for name, seconds in org.seconds.items()
    )
    return [
        Figure(
            f"generator: {updates:,} updates written",
            backend,
            update_seconds,
            "s",
            "",
            None,
            note=f"{rate:,.0f} rows/s, generating the rows included" if rate else "",
        ),
        Figure(
            f"generator: whole org, {written:,} rows in 6 tables",
            backend,
            org.total_seconds,
            "s",
            "",
            None,
            note=f"planning {org.plan_seconds:.1f} s; {per_table}; "
            f"ANALYZE {org.analyze_seconds:.1f} s",
        ),
    ]


def run(backend: str, *, quick: bool) -> list[Figure]:
    """Generate the benchmark org (1/10 with `quick`) on a fresh database; the figures."""
    _, org = shared_org(backend, quick=quick)
    return figures(org, backend)


def report(org: GeneratedOrg) -> str:
    """Rows, seconds and rows/s per table, as plain text."""
    lines = [f"{'table':<14}{'rows':>12}{'seconds':>10}{'rows/s':>12}"]
    for name, seconds in org.seconds.items():
        count = org.rows[name]
        rate = f"{count / seconds:,.0f}" if seconds else "-"
        lines.append(f"{name:<14}{count:>12,}{seconds:>10.2f}{rate:>12}")
    lines.append(
        f"planning {org.plan_seconds:.2f} s, ANALYZE {org.analyze_seconds:.2f} s, "
        f"total {org.total_seconds:.2f} s"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="bench/generate.py",
        description="Write the benchmark org into --database-url; without it, run the "
        "generator as a benchmark on fresh databases (--backend, --quick).",
    )
    parser.add_argument("--database-url", help="the database to write to (migrated first)")
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--now", type=datetime.fromisoformat, default=NOW, help="ISO instant")
    parser.add_argument("--team-id", default=TEAM_ID)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="as a benchmark: 1/10 scale")
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.now.tzinfo is None:
        parser.error("--scale must be positive and --now must carry a UTC offset")
    return args


def main(argv: list[str] | None = None) -> None:
    """Migrate the database and write the org, printing the time per table (or benchmark)."""
    args = parse_args(argv)
    if args.database_url is None:
        main_for(
            run,
            "The generator as a benchmark",
            ["--backend", args.backend] + (["--quick"] if args.quick else []),
        )
        return
    engine = make_engine(args.database_url)
    try:
        upgrade(engine)
        size = OrgSize().scaled(args.scale)
        print(f"generating {size} with seed {args.seed}, now {args.now.isoformat()}")
        org = generate(engine, size, seed=args.seed, now=args.now, team_id=args.team_id)
    finally:
        engine.dispose()
    print(report(org))


if __name__ == "__main__":
    main()
