"""The element classes are the declaration's (models/library/elements.json), read here, not copied."""
import json
import pathlib

import pytest

import timdesk
from timdesk.testing import Emulator

DECLARATION = json.loads(
    (pathlib.Path(__file__).resolve().parents[2] / "models" / "library" / "elements.json").read_text())
SAMPLES = {"string": "s", "json_text": "{}", "integer": 7, "number": 1.5}


def sample(field):
    if field["type"].startswith("list<"):
        struct = next(s for s in DECLARATION["structs"] if f"list<{s['name']}>" == field["type"])
        return [build(getattr(timdesk, struct["name"]), struct)]
    return SAMPLES[field["type"]]


def build(cls, shape):
    return cls(**{f["name"]: sample(f) for f in shape["fields"]})


def test_the_element_classes_are_the_declared_ones():
    declared = {s["name"] for kind in ("structs", "elements", "cards") for s in DECLARATION[kind]}
    assert set(timdesk.messages.__all__) == declared
    assert declared <= set(timdesk.__all__)


@pytest.mark.parametrize("shape", DECLARATION["elements"], ids=lambda s: s["name"])
def test_each_element_takes_its_declared_keywords_and_sends_its_wire_names(shape):
    element = build(getattr(timdesk, shape["name"]), shape)
    sent = element.to_json()
    assert sent["MsgType"] == shape["msg_type"]
    present = {f["wire"] for f in shape["fields"]}
    assert set(sent["MsgContent"]) == present | set(shape.get("constants", {}))
    for field in shape["fields"]:
        assert getattr(element, field["name"]) is not None


@pytest.mark.parametrize("shape", DECLARATION["elements"], ids=lambda s: s["name"])
def test_a_dict_missing_a_required_content_field_is_refused_naming_it_before_sending(shape):
    required = [f for f in shape["fields"] if f.get("required", True)]
    content = build(getattr(timdesk, shape["name"]), shape).to_json()["MsgContent"]
    del content[required[-1]["wire"]]
    with Emulator() as emulator:
        client = emulator.client()
        with pytest.raises(timdesk.InvalidArgumentError, match=f"MsgContent.{required[-1]['wire']}"):
            client.send_msg(session_id=Emulator.WAITING_SESSIONS[0],
                            body=[{"MsgType": shape["msg_type"], "MsgContent": content}])
        assert emulator.request_count("desk_http_svc/send_msg") == 0
