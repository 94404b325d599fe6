"""The shipped stubs match the native module (mypy's stubtest) and py.typed ships."""
import subprocess
import sys
from pathlib import Path

import timdesk


def test_stubtest_passes():
    out = subprocess.run([sys.executable, "-m", "mypy.stubtest", "timdesk._native", "--ignore-missing-stub"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_py_typed_and_stub_are_installed():
    package = Path(timdesk.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_native.pyi").exists()
