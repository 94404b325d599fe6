"""Shared fixtures of the cross-language Python suites."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def timdesk_bin() -> pathlib.Path:
    """The `timdesk` binary built by scripts/test (TIMDESK_BIN overrides)."""
    path = pathlib.Path(os.environ.get("TIMDESK_BIN", ROOT / "target" / "debug" / "timdesk"))
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/test, which builds it first")
    return path


@pytest.fixture
def run_cli(timdesk_bin):
    """Runs the timdesk command and returns the CompletedProcess."""
    def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(timdesk_bin), *args], capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, timeout=60)
    return run
