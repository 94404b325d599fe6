"""The shipped stubs match the native module (mypy's stubtest) and py.typed ships."""
import ast
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


def test_generated_stubs_name_only_what_the_module_has():
    # stubtest checks the generated methods' signatures through Client's stub bases, but
    # not that each stub method of a base exists at runtime: checked here.
    from timdesk import _native

    package = Path(timdesk.__file__).parent
    tree = ast.parse((package / "_native_generated.pyi").read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for base, runtime in [("_Endpoints", _native.Client), ("_AsyncEndpoints", _native.AsyncClient)]:
        methods = [node.name for node in classes.pop(base).body if isinstance(node, ast.FunctionDef)]
        assert methods, base
        for name in methods:
            assert name in vars(runtime), f"{base}.{name} is not a method of {runtime.__name__}"
    for name in classes:
        assert hasattr(_native, name), f"the stub class {name} is not in timdesk._native"
