"""A template's output is counted against the render's limits while it is produced."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest

from infrascaffold.errors import LimitError
from infrascaffold.render.limits import CLOCK_EVERY, Limits, RenderBudget


def test_collect_joins_the_chunks_and_counts_them() -> None:
    budget = RenderBudget(Limits(max_output_bytes=100))
    budget.add_text("a.tf", 10)
    assert budget.collect("b.tf", iter(["x" * 30, "", "y" * 20])) == "x" * 30 + "y" * 20
    assert budget.bytes == 60


def test_an_endless_template_stops_at_the_size_limit_without_pulling_more() -> None:
    pulled = []

    def endless() -> Iterator[str]:
        for i in itertools.count():
            pulled.append(i)
            yield "x" * 1000

    budget = RenderBudget(Limits(max_output_bytes=10_500))
    with pytest.raises(LimitError, match="larger than") as raised:
        budget.collect("big.tf", endless())
    assert raised.value.path == "big.tf" and len(pulled) == 11


def test_the_clock_is_read_within_a_bounded_number_of_chunks() -> None:
    budget = RenderBudget(Limits(max_seconds=60), deadline=time.monotonic() - 1)
    pulled = []

    def chunks() -> Iterator[str]:
        for i in itertools.count():
            pulled.append(i)
            yield "x"

    with pytest.raises(LimitError, match="max-render-time"):
        budget.collect("slow.tf", chunks())
    assert len(pulled) == CLOCK_EVERY
    with pytest.raises(LimitError, match="max-render-time"):  # and once more at the end
        RenderBudget(Limits(), deadline=time.monotonic() - 1).collect("short.tf", iter(["x"]))
