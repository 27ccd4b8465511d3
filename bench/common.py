"""Shared by the benchmarks: a fresh database, the Slack stand-in, the real ``goalbot serve``.

The stand-in for a plan and the serve subprocess are the product's own (``devkit.standin.plan``,
``devkit.demo.process``, also used by ``goalbot demo`` and the journey tests); here they get
the benchmarks' defaults (the example plan, the benchmarks' signing secret).

Every benchmark runs the bot exactly as it is deployed: ``goalbot migrate`` and ``goalbot
import`` into a database of its own, then ``goalbot serve --http`` as a subprocess pointed at
an in-process Slack stand-in (:class:`devkit.standin.SlackStandin`) that knows the plan's people.

    with fresh_database("postgres") as db_url, standin_for_plan() as slack:
        with serve_goalbot(db_url, slack) as bot_url:
            ...  # POST signed requests to f"{bot_url}/slack/events"
"""

from __future__ import annotations

import math
import os
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, text

from devkit.demo import process
from devkit.demo.process import free_port as free_port
from devkit.demo.process import goalbot_command as goalbot_command
from devkit.demo.process import goalbot_env, run_goalbot
from devkit.standin import SlackStandin
from devkit.standin import plan as product_plan
from devkit.standin.plan import PlanPerson as PlanPerson
from devkit.standin.plan import PlanWorkspace

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "examples" / "plan.yaml"
RESULTS = REPO / "bench" / "results"
SIGNING_SECRET = "bench-signing-secret"
POSTGRES_URL = os.environ.get(
    "GOALBOT_BENCH_POSTGRES_URL",
    os.environ.get(
        "GOALBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
)

Backend = Literal["sqlite", "postgres"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgres")


def backend_named(name: str) -> Backend:
    """The backend called `name`, or ValueError naming the choices."""
    for backend in BACKENDS:
        if backend == name:
            return backend
    raise ValueError(f"unknown backend {name!r}: one of {', '.join(BACKENDS)}")


# --- the plan's workspace -------------------------------------------------------------------


def read_plan(plan: Path = PLAN) -> PlanWorkspace:
    """The team id and people of a plan file (``docs/plan-format.md``)."""
    return product_plan.read_plan(plan)


def standin_for_plan(
    plan: Path = PLAN, *, latency: float = 0.0, threads: int = 32, **standin_args: Any
) -> AbstractContextManager[SlackStandin]:
    """A running Slack stand-in for the plan's workspace (``devkit.standin.plan``)."""
    return product_plan.standin_for_plan(plan, latency=latency, threads=threads, **standin_args)


@contextmanager
def fresh_database(
    backend: Backend, *, plan: Path | None = PLAN, postgres_url: str = POSTGRES_URL
) -> Iterator[str]:
    """A new database at goalbot's newest schema, with `plan` imported; yields its URL.

    SQLite: a file in a temporary directory. PostgreSQL: a schema of its own in the
    database of `postgres_url`, selected by ``options=-csearch_path=...`` in the URL, and
    dropped afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="goalbot-bench-") as workdir:
        if backend == "sqlite":
            url = f"sqlite:///{Path(workdir) / 'goalbot.db'}"
            _prepare(url, plan, Path(workdir))
            yield url
            return
        with postgres_schema(postgres_url) as url:
            _prepare(url, plan, Path(workdir))
            yield url


@contextmanager
def postgres_schema(postgres_url: str = POSTGRES_URL) -> Iterator[str]:
    """A fresh, empty PostgreSQL schema; yields a URL whose connections use it."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, pool_size=1, max_overflow=0)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            separator = "&" if "?" in postgres_url else "?"
            yield f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


def _prepare(url: str, plan: Path | None, workdir: Path) -> None:
    env = goalbot_env(url)
    run_goalbot(["migrate"], env, workdir)
    if plan is not None:
        run_goalbot(["import", str(plan.resolve())], env, workdir)


# --- goalbot serve --------------------------------------------------------------------------


def serve_goalbot(
    db_url: str,
    standin: SlackStandin,
    *,
    signing_secret: str = SIGNING_SECRET,
    **options: Any,
) -> AbstractContextManager[str]:
    """``goalbot serve --http`` as a subprocess talking to `standin` (``devkit.demo.process``),
    signed with the benchmarks' secret; yields its base URL."""
    return process.serve_goalbot(db_url, standin, signing_secret=signing_secret, **options)


# --- statistics -----------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0-100) by the nearest-rank method; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    """Latency figures of one series, in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float
    mean: float

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Summary:
        """Summarise a series of latencies given in milliseconds."""
        if not samples_ms:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        return cls(
            count=len(samples_ms),
            p50=percentile(samples_ms, 50),
            p95=percentile(samples_ms, 95),
            p99=percentile(samples_ms, 99),
            max=max(samples_ms),
            mean=sum(samples_ms) / len(samples_ms),
        )


class SqlTimer:
    """Adds up the time an engine spends in statements containing `marker` (a context manager)."""

    def __init__(self, engine: Engine, marker: str) -> None:
        self._engine, self._marker = engine, marker
        self._started: dict[int, float] = {}
        self.ms = 0.0

    def reset(self) -> None:
        """Start counting from zero again."""
        self.ms = 0.0

    def __enter__(self) -> SqlTimer:
        event.listen(self._engine, "before_cursor_execute", self._before)
        event.listen(self._engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._before)
        event.remove(self._engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self._marker in statement:
            self._started[id(cursor)] = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, *_: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if started is not None:
            self.ms += (time.perf_counter() - started) * 1000
