"""The documented cases of tests/conformance through Python's generic call: every code the
docs promise reaches a Python caller as that code (thin runner; the Rust runner also
checks the cases that need raw bytes or a changed query string)."""
import json
import pathlib
import uuid

import pytest

import timdesk

CASES_DIR = pathlib.Path(__file__).resolve().parents[1] / "conformance"
SHAPES = {"integer": int, "string": str, "array": list, "object": dict}


def _cases():
    for path in sorted(CASES_DIR.glob("*.json")):
        suite = json.loads(path.read_text())
        for case in suite["cases"]:
            if "body" in case and not case.get("query"):
                yield pytest.param(suite, case, id=f"{path.stem}: {case['name']}")


def _fill(value, emulator):
    if isinstance(value, dict):
        return {k: _fill(v, emulator) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, emulator) for v in value]
    return {
        "$unknown_session": lambda: str(uuid.uuid4()),
        "$seeded_session": lambda: emulator.create_session("conformance_user"),
        "$unknown_user": lambda: f"conformance_{uuid.uuid4().hex[:8]}",
        "$big_text": lambda: "x" * 13_000,
    }.get(value, lambda: value)() if isinstance(value, str) else value


@pytest.mark.parametrize("suite,case", list(_cases()))
def test_documented_case(timdesk_emulator, suite, case):
    client = timdesk_emulator.client(max_attempts=1)
    expect = case["expect"]["ErrorCode"]
    codes = expect if isinstance(expect, list) else [expect]
    body = _fill(case["body"], timdesk_emulator)
    path = case.get("path", suite["endpoint"])
    if codes == [0]:
        answer = client.call(path, body)
        for field, kind in case["expect"].get("shape", {}).items():
            assert isinstance(answer[field], SHAPES[kind]), (field, answer)
    else:
        with pytest.raises(timdesk.TimdeskError) as e:
            client.call(path, body)
        assert e.value.code in codes, f"{case['from']}: got {e.value!r}"


def test_the_runner_covers_most_cases():
    assert len(list(_cases())) >= 15
