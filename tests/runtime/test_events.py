"""The runtime's events: frozen, slotted, all in the `Event` union, and which ones coalesce."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from datetime import UTC, datetime

import pytest

from agent.runtime import events
from agent.runtime.events import (
    ESSENTIAL,
    ConnectionChanged,
    Event,
    ItemFailed,
    JobProgress,
    LeaseChanged,
    NextRunPlanned,
    RunFinished,
    Totals,
    replaces_key,
)

T0 = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)

EVENT_CLASSES = [
    cls
    for _, cls in inspect.getmembers(events, inspect.isclass)
    if dataclasses.is_dataclass(cls) and cls.__module__ == events.__name__ and cls is not Totals
]


def test_every_event_class_is_in_the_union() -> None:
    assert set(typing.get_args(Event)) == set(EVENT_CLASSES)
    assert len(EVENT_CLASSES) == 11


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.__name__)
def test_events_are_frozen_slotted_and_timestamped(cls: type) -> None:
    assert dataclasses.fields(cls)
    assert "__slots__" in vars(cls)
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert "at" in {f.name for f in dataclasses.fields(cls)}


def test_an_event_cannot_be_changed() -> None:
    event = RunFinished("ACME", 1, "success", Totals(ok=3), T0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.result = "failed"  # type: ignore[misc]


def test_which_events_replace_each_other() -> None:
    assert replaces_key(JobProgress("ACME", 1, "offers", 1, 9, None, T0)) == replaces_key(
        JobProgress("ACME", 1, "offers", 5, 9, 3.0, T0)
    )
    assert replaces_key(JobProgress("ACME", 1, "offers", 1, 9, None, T0)) != replaces_key(
        JobProgress("ACME", 1, "stock", 1, 9, None, T0)
    )
    assert replaces_key(NextRunPlanned("ACME", None, T0)) == replaces_key(NextRunPlanned("ACME", T0, T0))
    assert replaces_key(NextRunPlanned("ACME", None, T0)) != replaces_key(NextRunPlanned("Beta", None, T0))
    assert replaces_key(ItemFailed("ACME", 1, "offers", "product:1", "m", "h", T0)) is None


def test_essential_events() -> None:
    assert {RunFinished, ConnectionChanged, LeaseChanged} <= set(ESSENTIAL)
    assert JobProgress not in ESSENTIAL
    assert ItemFailed not in ESSENTIAL
