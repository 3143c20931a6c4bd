"""Line-level 3-way merge (diff3) of one file, the core of `infrascaffold update`.

base is the pristine render recorded last time, ours the file on disk (the user's edits), theirs
the new render. Lines are split on "\\n" only and keep their endings, so CRLF files stay CRLF.

The algorithm is the classic diff3: align base with ours and base with theirs (anchored on lines
unique to both, then `difflib.SequenceMatcher` without its junk heuristic in between), call a base
line *stable* when both alignments match it, and look at the unstable chunks between stable lines.
A chunk changed on one side only takes that side, a chunk changed identically on both takes it
once, anything else is a conflict written in diff3 style, which editors and `git mergetool`
understand.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

DEFAULT_LABELS: tuple[str, str, str] = ("yours", "base", "template")

_START, _BASE, _SEP, _END = "<<<<<<<", "|||||||", "=======", ">>>>>>>"


@dataclass(frozen=True)
class MergeResult:
    """The merged text and the number of conflict regions written into it."""

    text: str
    conflicts: int


@dataclass(frozen=True)
class _Chunk:
    """A run of lines: stable (all three agree, only `base` is set) or unstable."""

    stable: bool
    base: Sequence[str]
    ours: Sequence[str] = ()
    theirs: Sequence[str] = ()


def split_lines(text: str) -> list[str]:
    """Split on "\\n" only, keeping line endings; a missing final newline stays missing."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def line_ending(text: str) -> str:
    """The line ending most lines of `text` use: "\\r\\n" or "\\n"."""
    return "\r\n" if 2 * text.count("\r\n") > text.count("\n") else "\n"


def merge_three_way(
    base: str,
    ours: str,
    theirs: str,
    *,
    labels: tuple[str, str, str] = DEFAULT_LABELS,
) -> MergeResult:
    """Merge the user's edits (`ours`) and the template's (`theirs`) made since `base`, by line.

    Overlapping changes become one diff3-style conflict region each, labelled with `labels`
    (ours, base, theirs); identical changes on both sides are taken once.
    """
    fast = trivial_merge(base, ours, theirs)
    if fast is not None:
        return MergeResult(fast, 0)
    eol = line_ending(ours or base or theirs)
    out: list[str] = []
    conflicts = 0
    for chunk in _chunks(split_lines(base), split_lines(ours), split_lines(theirs)):
        if chunk.stable:
            out.extend(chunk.base)
            continue
        resolved = _resolve(chunk)
        if resolved is None:
            out.extend(_conflict_lines(chunk, labels, eol))
            conflicts += 1
        else:
            out.extend(resolved)
    return MergeResult("".join(out), conflicts)


def has_conflict_markers(text: str) -> bool:
    """Whether `text` holds a start marker, then a `=======` line, then an end marker."""
    stage = 0
    for line in text.split("\n"):
        if _is_marker(line, stage):
            stage += 1
            if stage == 3:
                return True
    return False


def _is_marker(line: str, stage: int) -> bool:
    if stage == 1:
        return line.rstrip() == _SEP
    marker = _START if stage == 0 else _END
    rest = line[len(marker) :]
    return line.startswith(marker) and (not rest.strip() or rest.startswith(" "))


def trivial_merge(base: str, ours: str, theirs: str) -> str | None:
    """The merge when one side is unchanged or both sides agree, else None."""
    if ours == base:
        return theirs
    if theirs == base or ours == theirs:
        return ours
    return None


def _matches(base: Sequence[str], other: Sequence[str]) -> list[int]:
    """For each base line, the index of the line of `other` aligned with it, or -1.

    Lines unique in both texts anchor the alignment (as in patience diff), which keeps lines like
    `}` from pairing across blocks and keeps the slow general matcher to the short gaps between.
    """
    mapping = [-1] * len(base)
    a_lo = b_lo = 0
    for a, b in [*_unique_anchors(base, other), (len(base), len(other))]:
        _match_gap(base, other, (a_lo, a), (b_lo, b), mapping)
        if a < len(base):
            mapping[a] = b
        a_lo, b_lo = a + 1, b + 1
    return mapping


def _unique_anchors(base: Sequence[str], other: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of lines occurring once in each text, the longest run of them in the same order."""
    base_counts, other_counts = Counter(base), Counter(other)
    where = {line: j for j, line in enumerate(other) if other_counts[line] == 1}
    pairs = [
        (i, where[line]) for i, line in enumerate(base) if base_counts[line] == 1 and line in where
    ]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of `pairs` (sorted by first item) increasing in the second item."""
    tails: list[int] = []  # tails[n]: index in pairs ending the best run of length n + 1
    tail_values: list[int] = []
    previous = [-1] * len(pairs)
    for k, (_, value) in enumerate(pairs):
        n = bisect_left(tail_values, value)
        if n:
            previous[k] = tails[n - 1]
        if n == len(tails):
            tails.append(k)
            tail_values.append(value)
        else:
            tails[n], tail_values[n] = k, value
    run: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        run.append(pairs[k])
        k = previous[k]
    return run[::-1]


def _match_gap(
    base: Sequence[str],
    other: Sequence[str],
    base_span: tuple[int, int],
    other_span: tuple[int, int],
    mapping: list[int],
) -> None:
    """Align base[base_span] with other[other_span] into `mapping`."""
    (a_lo, a_hi), (b_lo, b_hi) = base_span, other_span
    while a_lo < a_hi and b_lo < b_hi and base[a_lo] == other[b_lo]:
        mapping[a_lo] = b_lo
        a_lo, b_lo = a_lo + 1, b_lo + 1
    while a_lo < a_hi and b_lo < b_hi and base[a_hi - 1] == other[b_hi - 1]:
        a_hi, b_hi = a_hi - 1, b_hi - 1
        mapping[a_hi] = b_hi
    if a_lo == a_hi or b_lo == b_hi:
        return
    matcher = SequenceMatcher(None, base[a_lo:a_hi], other[b_lo:b_hi], autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        mapping[a_lo + a : a_lo + a + size] = range(b_lo + b, b_lo + b + size)


def _chunks(base: list[str], ours: list[str], theirs: list[str]) -> Iterator[_Chunk]:
    to_ours, to_theirs = _matches(base, ours), _matches(base, theirs)
    b = o = t = 0
    for i, (mo, mt) in enumerate(zip(to_ours, to_theirs, strict=True)):
        if mo < 0 or mt < 0:
            continue
        if (i, mo, mt) != (b, o, t):
            yield _Chunk(False, base[b:i], ours[o:mo], theirs[t:mt])
        yield _Chunk(True, base[i : i + 1])
        b, o, t = i + 1, mo + 1, mt + 1
    if (b, o, t) != (len(base), len(ours), len(theirs)):
        yield _Chunk(False, base[b:], ours[o:], theirs[t:])


def _resolve(chunk: _Chunk) -> Sequence[str] | None:
    """The lines an unstable chunk merges to, or None when both sides changed it differently."""
    if chunk.ours == chunk.base:
        return chunk.theirs
    if chunk.theirs == chunk.base or chunk.ours == chunk.theirs:
        return chunk.ours
    return None


def _conflict_lines(chunk: _Chunk, labels: tuple[str, str, str], eol: str) -> list[str]:
    ours_label, base_label, theirs_label = labels
    return [
        f"{_START} {ours_label}{eol}",
        *_terminated(chunk.ours, eol),
        f"{_BASE} {base_label}{eol}",
        *_terminated(chunk.base, eol),
        f"{_SEP}{eol}",
        *_terminated(chunk.theirs, eol),
        f"{_END} {theirs_label}{eol}",
    ]


def _terminated(lines: Sequence[str], eol: str) -> list[str]:
    """`lines` with a line ending added to the last one if it had none, so markers start a line."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + eol]
    return list(lines)
