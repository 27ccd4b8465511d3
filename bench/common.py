"""Shared by the benchmarks: a fresh database, the Slack stand-in, the real ``goalbot serve``.

Every benchmark runs the bot exactly as it is deployed: ``goalbot migrate`` and ``goalbot
import`` into a database of its own, then ``goalbot serve --http`` as a subprocess pointed at
an in-process Slack stand-in (:class:`bot.standin.SlackStandin`) that knows the plan's people.

    with fresh_database("postgres") as db_url, standin_for_plan() as slack:
        with serve_goalbot(db_url, slack) as bot_url:
            ...  # POST signed requests to f"{bot_url}/slack/events"
"""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import create_engine, text

from bot.standin import Identity, SlackStandin

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "examples" / "plan.yaml"
RESULTS = REPO / "bench" / "results"
SIGNING_SECRET = "bench-signing-secret"
POSTGRES_URL = os.environ.get(
    "GOALBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
HEALTH_TIMEOUT = 30.0

Backend = Literal["sqlite", "postgres"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgres")


# --- the plan's workspace -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPerson:
    """One person of the plan, as the stand-in should know them."""

    slack_id: str
    name: str
    email: str | None
    tz: str | None


@dataclass(frozen=True)
class PlanWorkspace:
    """The workspace a plan file describes: its team id and people."""

    team_id: str
    people: tuple[PlanPerson, ...]

    @property
    def user_ids(self) -> list[str]:
        """The people's Slack ids, in plan order."""
        return [person.slack_id for person in self.people]


def read_plan(plan: Path = PLAN) -> PlanWorkspace:
    """The team id and people of a plan file (``docs/plan-format.md``)."""
    data: dict[str, Any] = yaml.safe_load(plan.read_text(encoding="utf-8"))
    people = tuple(
        PlanPerson(
            slack_id=str(entry["slack_id"]),
            name=str(entry.get("name") or entry["slack_id"]),
            email=entry.get("email"),
            tz=entry.get("tz"),
        )
        for entry in data.get("people", [])
    )
    return PlanWorkspace(team_id=str(data["workspace"]["team_id"]), people=people)


@contextmanager
def standin_for_plan(
    plan: Path = PLAN, *, latency: float = 0.0, threads: int = 32, **standin_args: Any
) -> Iterator[SlackStandin]:
    """A running Slack stand-in for the plan's workspace: same team id, same user ids.

    `latency` (seconds) delays every answer, as the real Slack API's round trip would
    (the stand-in itself answers in about a millisecond).
    """
    workspace = read_plan(plan)
    slack = SlackStandin(
        identity=Identity(team_id=workspace.team_id), threads=threads, **standin_args
    )
    if latency > 0:
        slack.app = _Delayed(slack.app, latency)  # type: ignore[assignment]
    with slack:
        for person in workspace.people:
            slack.add_user(
                person.email.split("@")[0] if person.email else person.slack_id.lower(),
                user_id=person.slack_id,
                real_name=person.name,
                email=person.email,
                tz=person.tz,
            )
        yield slack


class _Delayed:
    """A WSGI app answering `seconds` later than the one it wraps."""

    def __init__(self, app: Callable[..., Iterable[bytes]], seconds: float) -> None:
        self._app, self._seconds = app, seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        time.sleep(self._seconds)
        return self._app(environ, start_response)


# --- the database ---------------------------------------------------------------------------


def goalbot_command() -> list[str]:
    """How to run the ``goalbot`` console script of the running interpreter's environment."""
    script = shutil.which("goalbot", path=str(Path(sys.executable).parent))
    if script is not None:
        return [script]
    return [sys.executable, "-c", "from handlers.cli import main; main()"]


def run_goalbot(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> str:
    """Run a ``goalbot`` command to completion; its stdout, or an error with its stderr."""
    done = subprocess.run(
        [*goalbot_command(), *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"goalbot {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def goalbot_env(db_url: str, **settings: str) -> dict[str, str]:
    """The environment for a goalbot subprocess: ours minus any goalbot/Slack settings."""
    ignored = ("GOALBOT_", "SLACK_", "DATABASE_URL", "LOG_LEVEL", "PORT")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ignored)}
    env.update(DATABASE_URL=db_url, LOG_LEVEL="WARNING")
    env.update({key.upper(): value for key, value in settings.items()})
    return env


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


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_goalbot(
    db_url: str,
    standin: SlackStandin,
    *,
    port: int | None = None,
    signing_secret: str = SIGNING_SECRET,
    extra_env: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> Iterator[str]:
    """``goalbot serve --http`` as a subprocess talking to `standin`; yields its base URL.

    `command` replaces ``goalbot`` (e.g. a profiler wrapping it); ``serve --http --host
    --port`` are appended. Returns once ``GET /healthz`` answers 200; stops the server
    (SIGTERM, then SIGKILL) on the way out. Its output is shown if it fails to come up.
    """
    port = port or free_port()
    env = goalbot_env(
        db_url,
        slack_bot_token=standin.token,
        slack_signing_secret=signing_secret,
        slack_api_url=standin.api_url,
        goalbot_team_id=standin.team_id,
    )
    env.update(extra_env or {})
    argv = [*(command or goalbot_command()), "serve", "--http"]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryDirectory(prefix="goalbot-serve-") as workdir:
        log_path = Path(workdir) / "serve.log"
        with log_path.open("w+", encoding="utf-8") as log:
            process = subprocess.Popen(
                argv,
                env=env,
                cwd=workdir,  # no stray ./.env is read
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                _wait_healthy(url, process, log_path)
                yield url
            finally:
                _stop(process)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"goalbot serve exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    output = log_path.read_text(encoding="utf-8", errors="replace")
    raise RuntimeError(f"goalbot serve not healthy after {HEALTH_TIMEOUT:.0f} s:\n{output}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


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
