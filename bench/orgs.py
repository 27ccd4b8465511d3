"""Generated orgs shared by the benchmarks of one process, so each scale is written once.

``shared_org("postgres", quick=False)`` generates the full org (``bench/orggen/build.py``) into a
fresh database the first time it is asked for and hands back the same one afterwards; the
databases are dropped when the process ends (or at :func:`release_orgs`). Benchmarks that
only read (App Home, digests) share it; a benchmark that changes the data should generate an
org of its own with ``generate``.
"""

from __future__ import annotations

import atexit
import sys
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import backend_named, fresh_database
from bench.orggen.build import NOW, QUICK_SCALE, GeneratedOrg, OrgSize, generate
from storage.db import make_engine

_orgs: dict[tuple[str, bool], tuple[str, GeneratedOrg]] = {}
_databases = ExitStack()


def shared_org(backend: str, *, quick: bool) -> tuple[str, GeneratedOrg]:
    """The database URL and facts of the benchmark org (1/10 with `quick`) on `backend`."""
    key = (backend, quick)
    if key not in _orgs:
        url = _databases.enter_context(fresh_database(backend_named(backend), plan=None))
        engine = make_engine(url)
        try:
            size = OrgSize().scaled(QUICK_SCALE) if quick else OrgSize()
            _orgs[key] = (url, generate(engine, size, now=NOW))
        finally:
            engine.dispose()
    return _orgs[key]


def release_orgs() -> None:
    """Drop every shared org's database."""
    _orgs.clear()
    _databases.close()


atexit.register(release_orgs)
