"""Merge one file of a render, choosing the merge by its suffix."""

from __future__ import annotations

from pathlib import PurePosixPath

from infrascaffold.update.hcl_blocks import merge_hcl
from infrascaffold.update.lines import DEFAULT_LABELS, MergeResult, merge_three_way

HCL_SUFFIXES = frozenset({".tf", ".tfvars", ".hcl"})


def merge_file(
    path: str,
    base: str,
    ours: str,
    theirs: str,
    *,
    labels: tuple[str, str, str] = DEFAULT_LABELS,
) -> MergeResult:
    """Merge one file, choosing the merge by its suffix: HCL files merge block by block first."""
    if PurePosixPath(path).suffix.lower() in HCL_SUFFIXES:
        return merge_hcl(base, ours, theirs, labels=labels)
    return merge_three_way(base, ours, theirs, labels=labels)
