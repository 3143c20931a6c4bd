"""How to give a missing answer when nobody can be asked (no terminal, `--no-input`)."""

from __future__ import annotations

import re

from infrascaffold.answers.layering import REQUIRED
from infrascaffold.errors import AnswerError


def with_how_to_give(exc: AnswerError) -> AnswerError:
    """The same problems, each missing answer saying how to give it.

    The `--set` key is dotted (`environments.0.account_id`): brackets are a glob to zsh.
    """
    return AnswerError([_how_to_give(path, reason) for path, reason in exc.problems])


def _how_to_give(path: str, reason: str) -> tuple[str, str]:
    if reason != REQUIRED:
        return path, reason
    key = re.sub(r"\[([0-9]+)\]", r".\1", path)
    return path, f"{reason} (--set {key}=VALUE, --answers FILE, or run in a terminal)"
