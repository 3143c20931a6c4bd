"""The render-limit options `new` and `update` share (a hostile pack cannot fill the disk)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # imported when a command runs: start-up stays fast
    from infrascaffold.render.limits import Limits


def limit_options(func: Any) -> Any:
    """The render limits `new` and `update` share (a hostile pack cannot fill the disk)."""
    options = [
        click.option(
            "--max-output-size",
            type=click.IntRange(min=1),
            default=100,
            show_default=True,
            metavar="MB",
            help="Refuse a render larger than this many megabytes.",
        ),
        click.option(
            "--max-files",
            type=click.IntRange(min=1),
            default=20_000,
            show_default=True,
            help="Refuse a render of more files.",
        ),
        click.option(
            "--max-render-time",
            type=click.FloatRange(min=0, min_open=True),
            default=120.0,
            show_default=True,
            metavar="SECONDS",
            help="Stop a render that takes longer.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


LIMIT_OPTIONS = ("max_output_size", "max_files", "max_render_time")


def limits_of(max_output_size: int, max_files: int, max_render_time: float) -> Limits:
    """The `Limits` of the values of the limit options."""
    from infrascaffold.render.limits import MB, Limits

    return Limits(max_output_size * MB, max_files, max_render_time)
