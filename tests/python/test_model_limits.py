"""The limits Python enforces are the models' (models/*.json), not numbers retyped in the binding.

Each paged endpoint's Limit is read from its model: max + 1 and min - 1 are refused before
sending, naming the field and the model's rule, and max is accepted. Once a model's limit
changes and `cargo run -p timdesk-codegen` runs, a binding that kept its own copy fails here.
"""
import json
import pathlib
from typing import Any, Callable

import pytest

import timdesk
from timdesk.testing import Emulator

MODELS = pathlib.Path(__file__).resolve().parents[2] / "models"
ALICE = Emulator.WAITING_SESSIONS[0]


def limit_bounds(model: str) -> tuple[int, int]:
    """The min and max of the model's Limit request field."""
    fields = json.loads((MODELS / f"{model}.json").read_text())["request"]
    [limit] = [f for f in fields if f["name"] == "Limit"]
    return limit["min"], limit["max"]


CALLS: dict[str, Callable[[Any, int], Any]] = {
    "describe_im_cdr_list": lambda c, n: c.describe_im_cdr_list(start=0, end=1, limit=n),
    "describe_chat_messages": lambda c, n: c.describe_chat_messages(ALICE, limit=n),
}


@pytest.mark.parametrize("model", sorted(CALLS))
def test_limit_bounds_are_the_models(timdesk_emulator, model):
    client = timdesk_emulator.client()
    call = CALLS[model]
    low, high = limit_bounds(model)
    for bad in (high + 1, low - 1):
        with pytest.raises(timdesk.InvalidArgumentError) as e:
            call(client, bad)
        assert f"Limit: must be {low} to {high}, not {bad}" in str(e.value)
    assert call(client, high).total_count >= 0


def test_every_paged_model_is_covered():
    paged = {p.stem for p in MODELS.glob("*.json") if "paging" in json.loads(p.read_text())}
    assert paged == set(CALLS)
