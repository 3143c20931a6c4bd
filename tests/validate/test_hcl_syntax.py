"""HashiCorp's verdict through `ParseAttributes` is the one `loadb` gave, at the same positions."""

from __future__ import annotations

import random
from pathlib import Path

from infrascaffold.validate.hcl_doc import HCL_SYNTAX, Problem
from infrascaffold.validate.hcl_syntax import _problems, go_parser, syntax_problems

ROOT = Path(__file__).resolve().parent.parent
BREAKERS = ["{", "}", '"', "(", "=", "\n.", "${", "%{", "<<EOT\n", "/*", "\ufeff", "\0"]


def _loadb_verdict(text: str) -> list[Problem]:
    """What `syntax_problems` said when it called `pygohcl.loadb` (before this change)."""
    pygohcl = go_parser()
    try:
        pygohcl.loadb(text.encode("utf-8", "surrogatepass"))
    except pygohcl.HCLParseError as exc:
        return _problems(str(exc), text)
    except pygohcl.HCLInternalError as exc:
        return [Problem(HCL_SYNTAX, 1, f"HCL parser error: {exc}")]
    return []


def _texts() -> list[str]:
    """The HCL of the fixtures and goldens, and broken copies: cut short, or with a character
    that often breaks HCL put somewhere."""
    texts = []
    for folder in ("fixtures", "golden"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".tf", ".tfvars", ".hcl") and path.is_file():
                texts.append(path.read_text(encoding="utf-8", errors="surrogateescape"))
    rng = random.Random(19)
    broken = []
    for text in texts:
        if len(text) > 1:
            broken.append(text[: rng.randrange(len(text))])
            cut = rng.randrange(len(text))
            broken.append(text[:cut] + rng.choice(BREAKERS) + text[cut:])
    return texts + broken


def test_the_verdicts_are_loadbs_on_valid_and_broken_files() -> None:
    texts = _texts()
    rejected = 0
    for text in texts:
        expected = _loadb_verdict(text)
        assert syntax_problems(text) == expected, text[:200]
        rejected += bool(expected)
    assert len(texts) > 1000 and 0 < rejected < len(texts)


def test_a_value_pygohcl_cannot_convert_to_json_is_no_syntax_error() -> None:
    # `loadb` converts every block to JSON, and panics on a `null` object key ("HCL parser
    # error" before); HashiCorp's parser, and so Terraform, accepts the file.
    text = 'resource "a" "b" {\n  v = { null = 1 }\n}\nx {}\nx {}\nx "l" {}\n'
    assert _loadb_verdict(text)
    assert syntax_problems(text) == []


def test_a_panic_on_the_go_side_is_judged_as_before() -> None:
    text = "a = { null = 1 }\n"  # a top-level value: `ParseAttributes` converts it too
    assert syntax_problems(text) == _loadb_verdict(text)
    assert syntax_problems(text)[0].message.startswith("HCL parser error: panic HCL")
