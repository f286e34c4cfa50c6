"""The deployment files name commands that exist: every `filrouge ...` in compose.yaml,
the Dockerfile and the systemd units of docs/deploy.md is parsed by the real command
line, so a renamed option breaks this test rather than a facility's server."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from bot.cli import _parser

ROOT = Path(__file__).resolve().parents[1]


def compose_commands() -> list[list[str]]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return [s["command"] for s in compose["services"].values() if "command" in s]


def dockerfile_command() -> list[str]:
    [line] = [x for x in (ROOT / "Dockerfile").read_text().splitlines() if x.startswith("CMD ")]
    command: list[str] = json.loads(line.removeprefix("CMD "))
    return command


def deploy_doc_commands() -> list[list[str]]:
    """The `filrouge` commands in the code blocks of docs/deploy.md (shell and units)."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```(?:sh|ini)\n(.*?)```", text, flags=re.DOTALL))
    found = re.findall(r"(?:^|/srv/filrouge/venv/bin/)filrouge ([^'>#\n]+)", blocks, re.MULTILINE)
    return [
        ["filrouge", *shlex.split(line.replace("$(date +%%F)", "DATE"))]
        for line in found
        if '"$@"' not in line  # the wrapper that runs it as the service's user
    ]


def every_command() -> list[list[str]]:
    return [*compose_commands(), dockerfile_command(), *deploy_doc_commands()]


def test_the_deployment_files_run_the_web_app_a_worker_and_the_migrations() -> None:
    names = {" ".join(c[1:2]) for c in every_command()}
    assert {"serve", "worker", "db", "backup", "restore"} <= names


@pytest.mark.parametrize("command", every_command(), ids=lambda c: " ".join(c[1:3]))
def test_each_command_of_the_deployment_files_exists(command: list[str]) -> None:
    assert command[0] == "filrouge"
    _parser().parse_args(command[1:])  # argparse exits (SystemExit) on what does not exist


def test_compose_keeps_the_app_on_loopback_and_the_reminders_out_of_the_web_processes() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    web = compose["services"]["web"]
    assert all(port.startswith("127.0.0.1:") for port in web["ports"])
    assert web["environment"]["FILROUGE_REMINDERS_IN_SERVE"] == "false"
    assert "--workers" in web["command"]
