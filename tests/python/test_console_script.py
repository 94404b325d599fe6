"""The `timdesk` console script installed by pip runs the Rust CLI."""
import os
import subprocess
import sys
from pathlib import Path


def timdesk_script() -> str:
    script = Path(sys.executable).parent / "timdesk"
    assert script.exists(), "pip install . should install the timdesk console script"
    return str(script)


def test_demo_runs():
    out = subprocess.run([timdesk_script(), "demo"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "141001" in out.stdout and "done" in out.stdout


def test_usersig_and_usage_errors():
    env = {**os.environ, "TIMDESK_SECRET_KEY": "k"}
    out = subprocess.run([timdesk_script(), "usersig", "gen", "--sdkappid", "1", "--identifier", "u"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0 and out.stdout.strip()
    out = subprocess.run([timdesk_script(), "nonsense"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "nonsense" in out.stderr
