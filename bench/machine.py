"""What the benchmarks ran on: CPU, memory, OS, Python, database versions, load, commit."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.common import POSTGRES_URL, REPO


def machine_info() -> dict[str, str]:
    """The machine and software, as label → value (read now: the load changes)."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{_cpu_model()}, {os.cpu_count()} logical cores",
        "memory": _memory(),
        "OS": _os_name(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "SQLite": f"{sqlite3.sqlite_version} (Python's sqlite3)",
        "PostgreSQL": _postgres_version(),
        "libraries": ", ".join(
            f"{name} {version(name)}" for name in ("sqlalchemy", "sqlmodel", "psycopg")
        ),
        "goalbot commit": _commit(),
        "load average (1, 5, 15 min)": load,
    }


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return f"{line.split('=', 1)[1].strip(chr(34))} (Linux {platform.release()})"
    return platform.platform()


def _postgres_version() -> str:
    engine = create_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    except Exception as exc:  # noqa: BLE001  (shown in the report instead of a version)
        return f"unreachable ({type(exc).__name__})"
    finally:
        engine.dispose()


def _commit() -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    changed = _git("status", "--porcelain", "--untracked-files=no")
    return f"{commit} with uncommitted changes" if changed else commit


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""
