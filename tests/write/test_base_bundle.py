"""The base bundle's format: every mapping round-trips; anything else is a BundleError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrascaffold.write.base_bundle import (
    FIRST_LINE,
    BundleError,
    dump_bundle,
    parse_bundle,
    valid_path,
)

SEGMENT = st.text(
    st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=12
).filter(lambda s: s not in (".", ".."))
PATHS = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join)
# Lines that look like the format's own: headers, the first line, counts, line separators.
TRICKY = st.sampled_from(
    [
        '=== "main.tf" 3 lines',
        '=== "x" 1 line, no final newline',
        "=== ",
        FIRST_LINE,
        "",
        "\r",
        "\u2028",
        "\x85",
        "  }",
    ]
)
LINES = st.lists(st.one_of(TRICKY, st.text(st.characters(exclude_characters="\n"))), max_size=8)
TEXTS = (
    st.builds(
        lambda lines, final: "\n".join(lines) + ("\n" if final and lines else ""),
        LINES,
        st.booleans(),
    )
    | st.text()
)
FILES = st.dictionaries(PATHS, TEXTS, max_size=8)


@given(FILES)
def test_any_mapping_round_trips(files: dict[str, str]) -> None:
    bundle = dump_bundle(files)
    assert parse_bundle(bundle) == files
    assert bundle.endswith("\n") and bundle.startswith(FIRST_LINE + "\n")


@given(st.text())
def test_the_parser_is_total(text: str) -> None:
    """Any text is a mapping of valid paths or a BundleError with a line in the text."""
    try:
        files = parse_bundle(text)
    except BundleError as exc:
        assert 1 <= exc.line <= text.count("\n") + 1
    else:
        assert all(valid_path(path) for path in files)


@given(FILES, st.data())
def test_a_cut_short_bundle_is_refused_or_a_prefix(
    files: dict[str, str], data: st.DataObject
) -> None:
    """A bundle cut at a line end is damaged, or reads as fewer whole files (the record's
    write is atomic, so a cut bundle only comes from a hand edit)."""
    bundle = dump_bundle(files)
    ends = [i + 1 for i, c in enumerate(bundle) if c == "\n"]
    cut = bundle[: data.draw(st.sampled_from(ends))]
    try:
        parsed = parse_bundle(cut)
    except BundleError:
        return
    assert parsed.items() <= files.items()


def test_the_layout_reads_well_in_a_diff() -> None:
    bundle = dump_bundle({"b.tf": "x = 1\n", "a/VERSION": "1.2.3", "empty": "", "nl": "\n"})
    assert bundle.splitlines()[1:] == [
        '=== "a/VERSION" 1 line, no final newline',
        "1.2.3",
        '=== "b.tf" 1 line',
        "x = 1",
        '=== "empty" 0 lines',
        '=== "nl" 1 line',
        "",
    ]


def test_a_header_like_line_is_text() -> None:
    files = {"README.md": '=== "evil" 0 lines\n=== "x" 9 lines\n'}
    assert parse_bundle(dump_bundle(files)) == files


def test_carriage_returns_stay_in_their_lines() -> None:
    files = {"win.bat": "echo a\r\necho b\r\n", "mac": "a\rb"}
    bundle = dump_bundle(files)
    assert '=== "win.bat" 2 lines\necho a\r\necho b\r\n' in bundle
    assert parse_bundle(bundle) == files


@pytest.mark.parametrize(
    ("bundle", "line", "reason"),
    [
        ("", 1, "does not start with"),
        ("hello\n", 1, "does not start with"),
        (f"{FIRST_LINE}\nmain.tf\n", 2, "expected a file header"),
        (f'{FIRST_LINE}\n=== "a" 3 lines\nx\n', 3, "should have 3 line(s)"),
        (f'{FIRST_LINE}\n=== "a" 1 line\nx', 3, "does not end with a newline"),
        (f'{FIRST_LINE}\n=== "a 1 line\n', 2, "not a JSON string"),
        (f'{FIRST_LINE}\n=== "a" one line\n', 2, 'expected " N lines"'),
        (f'{FIRST_LINE}\n=== "a" 99999999999 lines\n', 2, 'expected " N lines"'),
        (f'{FIRST_LINE}\n=== "a" 0 lines, no final newline\n', 2, "an empty file"),
        (f'{FIRST_LINE}\n=== "../x" 0 lines\n', 2, "not a render path"),
        (f'{FIRST_LINE}\n=== "/etc/x" 0 lines\n', 2, "not a render path"),
        (f'{FIRST_LINE}\n=== "\\ud800" 0 lines\n', 2, "not a render path"),
        (f'{FIRST_LINE}\n=== "a" 0 lines\n=== "a" 0 lines\n', 3, "comes twice"),
    ],
)
def test_damage_names_the_line(bundle: str, line: int, reason: str) -> None:
    with pytest.raises(BundleError) as caught:
        parse_bundle(bundle)
    assert caught.value.line == line and reason in caught.value.reason


@pytest.mark.parametrize("path", ["", "a//b", "./a", "a/..", "/abs", "a\x00b", "\ud800"])
def test_dump_refuses_what_is_not_a_render_path(path: str) -> None:
    with pytest.raises(ValueError, match="not a render path"):
        dump_bundle({path: "x\n"})
