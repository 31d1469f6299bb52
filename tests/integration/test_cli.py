"""The ``roost`` command line, run as a real process against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from roost.settings import Settings


def roost(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ROOST_DATABASE_URL": settings.database_url,
        "ROOST_SECRET_KEY": "test-server-key-not-for-production",
    }
    return subprocess.run(
        [sys.executable, "-m", "roost.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_apps_lifecycle_from_the_command_line(settings: Settings) -> None:
    created = roost(
        settings,
        "apps",
        "create",
        "--name",
        "CLI App",
        "--type",
        "sandbox",
        "--redirect-uri",
        "https://cli.test/cb",
        "--origin",
        "https://cli.test",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    app = json.loads(created.stdout)
    assert {"client_id", "client_secret", "name", "type", "redirect_uris", "origins"} <= set(app)
    assert app["type"] == "sandbox" and app["redirect_uris"] == ["https://cli.test/cb"]
    client_id = app["client_id"]

    listed = roost(settings, "apps", "list")
    assert client_id in listed.stdout

    shown = json.loads(roost(settings, "apps", "show", client_id, "--json").stdout)
    assert "client_secret" not in shown

    rotated = json.loads(roost(settings, "apps", "rotate-secret", client_id, "--json").stdout)
    assert rotated["client_secret"] != app["client_secret"]

    steps = [
        ("add-redirect-uri", "https://cli.test/other", "redirect_uris", True),
        ("remove-redirect-uri", "https://cli.test/cb", "redirect_uris", False),
        ("add-origin", "http://localhost:5173", "origins", True),
        ("remove-origin", "https://cli.test", "origins", False),
    ]
    for command, value, key, present in steps:
        result = roost(settings, "apps", command, client_id, value, "--json")
        assert result.returncode == 0, result.stderr
        assert (value in json.loads(result.stdout)[key]) is present


def test_cli_errors_are_clear_and_exit_non_zero(settings: Settings) -> None:
    result = roost(settings, "apps", "show", "roost_ci_missing")
    assert result.returncode == 1
    assert "No application" in result.stderr
    assert "Traceback" not in result.stderr
    bad = roost(settings, "apps", "create", "--name", "X", "--redirect-uri", "nope")
    assert bad.returncode == 1
    assert "redirect URI" in bad.stderr
