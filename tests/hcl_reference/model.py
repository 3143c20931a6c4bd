"""The model python-hcl2's grammar builds of HCL, kept as the reference `hcl_scan` is tested
against (`tests/validate/test_hcl_scan.py`, `benchmarks/bench_parsers.py`); no command imports it,
and python-hcl2 is a test dependency only.

python-hcl2's own `parses_to_tree` propagates positions into every tree node, which costs about
40% of a parse; tokens carry their lines anyway. So the parser here is built from python-hcl2's
own grammar file and post-lexer, minus that option: the language accepted is the same. Its
LALR tables are cached on disk by lark (built once, in seconds, then loaded in a tenth of one).

HashiCorp's parser reports an attribute set twice ("Attribute redefined"); the model keeps both.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
from importlib import resources
from typing import Any, cast

import lark
from hcl2.postlexer import PostLexer
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from infrascaffold.user_cache import user_cache_root
from infrascaffold.validate.cache_dirs import parser_fingerprint
from infrascaffold.validate.hcl_doc import (
    EMPTY_BODY,
    HCL_DUPLICATE,
    Attr,
    Block,
    Body,
    Doc,
    Problem,
    Ref,
)
from infrascaffold.validate.hcl_fallback import fallback_doc
from infrascaffold.validate.hcl_syntax import only_duplicates, syntax_problems
from tests.hcl_reference.refs import collect_refs
from tests.hcl_reference.repair import repair
from tests.hcl_reference.values import NOT_LITERAL, first_token, literal_value, token_line

_NOTHING_BOUND: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1)
def hcl_parser() -> Lark:
    """python-hcl2's LALR parser without position propagation (loaded once per process): from
    the tables shipped in the package when they match, else from (or built into) the cache."""
    shipped = shipped_parser()
    if shipped is not None:
        return shipped
    grammar = str(resources.files("hcl2").joinpath("hcl2.lark"))
    options: dict[str, Any] = {
        "parser": "lalr",
        "propagate_positions": False,
        "postlex": PostLexer(),
    }
    cache = (
        user_cache_root() / "grammar" / f"hcl2-{parser_fingerprint()}-lark-{lark.__version__}.bin"
    )
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # no writable cache folder: build the tables in memory each time
        return Lark.open(grammar, **options)
    # lark checks the file against the grammar, rebuilds a stale or damaged one, and carries
    # on without a cache when it cannot write
    return Lark.open(grammar, cache=str(cache), **options)


SHIPPED_TABLES = "hcl2-lark-tables.bin.gz"


def tables_key() -> bytes:
    """What shipped tables must have been built from: python-hcl2's grammar and lark's version."""
    grammar = resources.files("hcl2").joinpath("hcl2.lark").read_bytes()
    return hashlib.sha256(grammar + lark.__version__.encode()).hexdigest().encode()


def shipped_parser() -> Lark | None:
    """The parser from the tables shipped in the package (`scripts/ship_parser_tables.py`), so
    that the first run on a machine does not spend seconds building them; None when they are
    missing or were built from another grammar or lark."""
    try:
        data = gzip.decompress((resources.files(__package__) / SHIPPED_TABLES).read_bytes())
    except (OSError, gzip.BadGzipFile):
        return None
    key, _, saved = data.partition(b"\n")
    if key != tables_key():
        return None
    # `Lark.load` takes no options; `_load` is what lark's own cache uses to add the post-lexer
    parser: Lark = Lark.__new__(Lark)._load(io.BytesIO(saved), postlex=PostLexer())
    return parser


def reference_doc(text: str) -> Doc:
    """Parse one HCL file as `hcl_parse.parse_hcl` did before `hcl_scan`.

    HashiCorp's parser (`hcl_syntax`) decides whether it is valid: a file it rejects is a `Doc`
    with an empty body and Terraform's diagnostics. A valid file is modelled by python-hcl2's
    grammar, retried on a line-preserving rewrite (`repair`) of what that grammar lacks,
    and, failing both, by the declarations-only `hcl_fallback`.
    """
    problems = syntax_problems(text)
    if not only_duplicates(problems):
        return Doc(EMPTY_BODY, tuple(problems))
    doc = _model(text)
    if doc is None:
        repaired = repair(text)
        doc = _model(repaired) if repaired != text else None
    if doc is None:
        doc = fallback_doc(text)
    # Terraform's own duplicate diagnostics replace the grammar's
    kept = [problem for problem in doc.problems if problem.check != HCL_DUPLICATE]
    return Doc(doc.body, (*problems, *kept))


def _model(text: str) -> Doc | None:
    """python-hcl2's model of `text`, or None when its grammar rejects the text."""
    try:
        tree = hcl_parser().parse(text + "\n")
    except UnexpectedInput:
        return None
    problems: list[Problem] = []
    body = _read_body(cast(Tree[Any], tree.children[0]), problems)
    return Doc(body, tuple(problems))


def _read_body(node: Tree[Any], problems: list[Problem]) -> Body:
    attrs: list[Attr] = []
    blocks: list[Block] = []
    first_line: dict[str, int] = {}
    for child in node.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            attr = _read_attr(child)
            if attr.name in first_line:
                message = (
                    f"duplicate attribute {attr.name!r} (first set on line {first_line[attr.name]})"
                )
                problems.append(Problem(HCL_DUPLICATE, attr.line, message))
            else:
                first_line[attr.name] = attr.line
            attrs.append(attr)
        elif child.data == "block":
            blocks.append(_read_block(child, problems))
    return Body(tuple(attrs), tuple(blocks))


def _read_attr(node: Tree[Any]) -> Attr:
    name_token = first_token(node.children[0])
    expression = node.children[-1]
    refs: list[Ref] = []
    collect_refs(expression, _NOTHING_BOUND, refs)
    value = literal_value(expression)
    literal = value is not NOT_LITERAL
    line = token_line(name_token)
    return Attr(str(name_token), line, literal, value if literal else None, tuple(refs))


def _read_block(node: Tree[Any], problems: list[Problem]) -> Block:
    trees = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
    name_node, *label_nodes, body_node = trees
    name_token = first_token(name_node)
    labels = tuple(_label(label) for label in label_nodes)
    line = token_line(name_token)
    closing = node.children[-1]  # the RBRACE token
    end_line = token_line(closing) if isinstance(closing, Token) else line
    body = _read_body(body_node, problems)
    return Block(str(name_token), labels, line, end_line or line, body)


def _label(node: Tree[Any]) -> str:
    if node.data == "string":
        value = literal_value(node)
        return value if isinstance(value, str) else ""
    return str(first_token(node))
