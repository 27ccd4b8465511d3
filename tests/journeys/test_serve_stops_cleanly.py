"""``goalbot serve`` stopped by SIGTERM (``docker stop``, Kubernetes) finishes what it acked.

Slack already has its 200, so work dropped on the way out would be lost: the real serve process
is stopped right after acknowledging a command whose answer is slow to reach Slack, and the
answer must still arrive, with a clean exit.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from devkit.demo import example_plan
from devkit.demo.process import (
    DEFAULT_SIGNING_SECRET,
    free_port,
    goalbot_command,
    goalbot_env,
    wait_healthy,
)
from devkit.people import SlackDriver
from devkit.standin.plan import standin_for_plan

SLACK_ROUND_TRIP = 1.5  # seconds every stand-in answer takes, the command's answer included
MAYA = "U0NW0001"


def test_sigterm_after_an_ack_still_delivers_the_answer(tmp_path: Path) -> None:
    with standin_for_plan(example_plan(), latency=SLACK_ROUND_TRIP) as slack:
        port = free_port()
        env = goalbot_env(
            f"sqlite:///{tmp_path / 'goalbot.db'}",
            slack_bot_token=slack.token,
            slack_signing_secret=DEFAULT_SIGNING_SECRET,
            slack_api_url=slack.api_url,
            goalbot_team_id=slack.team_id,
            log_level="INFO",
        )
        argv = [*goalbot_command(), "serve", "--http", "--no-scheduler", "--port", str(port)]
        log_path = tmp_path / "serve.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                argv, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                url = f"http://127.0.0.1:{port}"
                wait_healthy(url, process, log_path)
                driver = SlackDriver(slack, url, DEFAULT_SIGNING_SECRET)
                acked_at = time.monotonic()
                assert driver.slash(MAYA, "help").status == 200
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=30) == 0, log_path.read_text()
                stopped_after = time.monotonic() - acked_at
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        answers = slack.ephemerals(user=MAYA)
        output = log_path.read_text()
    assert stopped_after >= SLACK_ROUND_TRIP, "serve stopped before its answer could arrive"
    assert len(answers) == 1 and "/goal" in str(answers[0]), output
    assert "every acknowledged request was handled" in output
