"""The real ``goalbot serve`` as a subprocess pointed at a Slack stand-in (demo, journeys, bench).

with serve_goalbot(db_url, slack, extra_args=["--no-scheduler"]) as bot_url:
    ...  # POST signed requests to f"{bot_url}/slack/events"
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from devkit.standin import SlackStandin

HEALTH_TIMEOUT = 30.0
DEFAULT_SIGNING_SECRET = "standin-signing-secret"


def goalbot_command() -> list[str]:
    """How to run the ``goalbot`` console script of the running interpreter's environment."""
    script = shutil.which("goalbot", path=str(Path(sys.executable).parent))
    if script is not None:
        return [script]
    return [sys.executable, "-c", "from goalbot.cli import main; main()"]


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
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    extra_env: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
    extra_args: Sequence[str] = (),
    log_file: Path | None = None,
) -> Iterator[str]:
    """``goalbot serve --http`` as a subprocess talking to `standin`; yields its base URL.

    `command` replaces ``goalbot`` (e.g. a profiler wrapping it); ``serve --http --host
    --port`` and `extra_args` are appended. Returns once ``GET /healthz`` answers 200; stops
    the server (SIGTERM, then SIGKILL) on the way out. Its output goes to `log_file` (default:
    a temporary file) and is shown if it fails to come up.
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
    argv += ["--host", "127.0.0.1", "--port", str(port), *extra_args]
    with tempfile.TemporaryDirectory(prefix="goalbot-serve-") as workdir:
        log_path = log_file or Path(workdir) / "serve.log"
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
                wait_healthy(url, process, log_path)
                yield url
            finally:
                _stop(process)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Return once ``GET url/healthz`` answers 200; raise with the log if serve exits first."""
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
        time.sleep(0.05)
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
