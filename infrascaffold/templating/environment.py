"""The one Jinja environment every pack renders in: sandboxed, strict, newline-preserving."""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.environment import TemplateExpression
from jinja2.parser import Parser
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold import __version__
from infrascaffold.errors import one_line
from infrascaffold.templating.bytecode import bundle_cache
from infrascaffold.templating.containment import ContainedLoader
from infrascaffold.templating.escaping import FILTERS
from infrascaffold.templating.k8s_sizing import FILTERS as K8S_SIZING_FILTERS
from infrascaffold.templating.services import FILTERS as SERVICE_FILTERS
from infrascaffold.templating.sizing import FILTERS as SIZING_FILTERS
from infrascaffold.templating.sops import FILTERS as SOPS_FILTERS
from infrascaffold.user_cache import user_cache_root

# What evaluating pack content may raise besides Jinja's own errors: `{{ 1/0 }}`, `range(10**9)`
# (OverflowError), `{{ [] | first }}`, a template including itself or a recursive macro
# (RecursionError), a limit of this sandbox (SecurityError is a TemplateError).
EVALUATION_ERRORS = (
    jinja2.TemplateError,
    ArithmeticError,
    LookupError,
    TypeError,
    ValueError,
    AttributeError,
    RecursionError,
)
MAX_SEQUENCE = 10_000_000  # characters or items one expression may build (`'x' * n`)
MAX_INT_BITS = 4096  # `10 ** n`
MAX_WIDTH = 100_000  # `center(n)`, `'%0*d'`, `'{:>n}'.format()`


class SandboxLimit(ArithmeticError):
    """An expression would build a value too large for the sandbox (`'x' * 10**9`)."""


def failure_text(exc: BaseException) -> str:
    """One line saying why evaluating pack content failed."""
    if isinstance(exc, SandboxLimit):
        return one_line(str(exc))
    if isinstance(exc, RecursionError):
        return "recursion too deep (a template that includes itself, or a recursive macro?)"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"syntax error: {one_line(exc.message or str(exc))}"
    if isinstance(exc, jinja2.TemplateError):
        return one_line(str(exc))
    return one_line(f"{type(exc).__name__}: {exc}")


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with operators and string methods that cannot allocate without bound."""

    intercepted_binops = frozenset(["*", "**", "%"])

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**":
            _check_power(left, right)
        elif isinstance(left, str):
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:  # noqa: N805
        target = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            _check_string_call(owner, getattr(target, "__name__", ""), (*args, *kwargs.values()))
        return super().call(__context, __obj, *args, **kwargs)


def _check_string_call(owner: str, name: str, args: tuple[Any, ...]) -> None:
    for arg in args:
        _check_width(arg)
    if name in ("format", "format_map"):
        _check_format(owner)


def _refuse(what: str) -> None:
    raise SandboxLimit(f"{what} is too large for the sandbox")


def _check_repeat(seq: Any, times: Any) -> None:
    if isinstance(seq, str | list | tuple) and isinstance(times, int):
        if len(seq) * times > MAX_SEQUENCE:
            _refuse(f"repeating a sequence {times} times")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        if exponent * abs(base).bit_length() > MAX_INT_BITS:
            _refuse(f"{base} ** {exponent}")


def _check_width(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value > MAX_WIDTH:
        _refuse(f"the argument {value}")


_WIDTHS = re.compile(r"[0-9]{6,}")


def _check_format(text: str) -> None:
    """A format string (`%` or `str.format`) may not ask for a huge width or precision."""
    if ("%" in text or "{" in text) and _WIDTHS.search(text):
        match = _WIDTHS.search(text)
        if match and int(match.group()) > MAX_WIDTH:
            _refuse(f"a field width of {match.group()}")


def _bounded_filter(name: str, filter_: Any) -> Any:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for arg in (*args[1:], *kwargs.values()):
            _check_width(arg)
        if name == "format" and args and isinstance(args[0], str):
            _check_format(args[0])
        return filter_(*args, **kwargs)

    bounded.__name__ = filter_.__name__
    # Keep Jinja's pass_context / pass_environment markers.
    for marker in ("jinja_pass_arg",):
        if hasattr(filter_, marker):
            setattr(bounded, marker, getattr(filter_, marker))
    return bounded


_SIZED_FILTERS = ("center", "indent", "wordwrap", "truncate", "format", "batch", "slice")


def _bytecode_cache(roots: Sequence[Path]) -> jinja2.BytecodeCache | None:
    # One folder per release and Jinja version: the code a cached entry holds was generated with
    # that release's sandbox (its intercepted operators), which its source checksum cannot tell.
    folder = user_cache_root() / f"jinja-{__version__}-{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return bundle_cache(folder, roots)


def make_environment(roots: Sequence[Path] = ()) -> SandboxedEnvironment:
    """A sandboxed, StrictUndefined environment loading templates from the pack's roots only.

    Every template stays compiled for the whole run (packs render twice, see generate.py), and
    compiled templates are cached across runs in the user cache folder.
    """
    loader = ContainedLoader(list(roots)) if roots else None
    env = _BoundedSandbox(
        loader=loader,
        cache_size=-1,
        bytecode_cache=_bytecode_cache(roots) if roots else None,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    env.filters.update(SIZING_FILTERS)
    env.filters.update(K8S_SIZING_FILTERS)
    env.filters.update(SERVICE_FILTERS)
    env.filters.update(SOPS_FILTERS)
    for name in _SIZED_FILTERS:
        env.filters[name] = _bounded_filter(name, env.filters[name])
    env.globals["lipsum"] = _bounded_filter("lipsum", env.globals["lipsum"])
    return env


def evaluate(env: SandboxedEnvironment, expression: str, context: Mapping[str, Any]) -> Any:
    """Evaluate a Jinja expression (a `when` condition, a validator) over `context`."""
    return _compiled_expression(env, expression)(**context)


def render_string(env: SandboxedEnvironment, source: str, context: Mapping[str, Any]) -> str:
    """Render a short template string (a default, a path segment) over `context`."""
    return _compiled_string(env, source).render(**context)


# Conditions, defaults and path segments are evaluated once per file and per item: compile each
# once per environment.
_EXPRESSIONS: weakref.WeakKeyDictionary[SandboxedEnvironment, dict[str, Any]] = (
    weakref.WeakKeyDictionary()
)
_STRINGS: weakref.WeakKeyDictionary[SandboxedEnvironment, dict[str, jinja2.Template]] = (
    weakref.WeakKeyDictionary()
)


def _compiled_expression(env: SandboxedEnvironment, expression: str) -> Any:
    cache = _EXPRESSIONS.setdefault(env, {})
    if expression not in cache:
        code = _cached_code(env, "expression", expression, partial(_expression_code, env))
        template = env.template_class.from_code(env, code, env.make_globals(None), None)
        cache[expression] = TemplateExpression(template, undefined_to_none=False)
    return cache[expression]


def _compiled_string(env: SandboxedEnvironment, source: str) -> jinja2.Template:
    cache = _STRINGS.setdefault(env, {})
    if source not in cache:
        code = _cached_code(env, "string", source, env.compile)
        cache[source] = env.template_class.from_code(env, code, env.make_globals(None), None)
    return cache[source]


def _cached_code(
    env: SandboxedEnvironment, kind: str, source: str, compile_source: Callable[[str], Any]
) -> Any:
    """The compiled code of a `when`/validator expression or a short template string, from the
    bytecode cache when the environment has one (compiling them was a fifth of a warm run)."""
    cache = env.bytecode_cache
    if cache is None:
        return compile_source(source)
    name = f"<{kind} {hashlib.sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()}>"
    bucket = cache.get_bucket(env, name, None, source)
    if bucket.code is None:
        bucket.code = compile_source(source)
        cache.set_bucket(bucket)
    return bucket.code


def _expression_code(env: SandboxedEnvironment, source: str) -> Any:
    """`env.compile_expression`'s parse and compile (Jinja 3.1), keeping the code object."""
    parser = Parser(env, source, state="variable")
    try:
        expr = parser.parse_expression()
        if not parser.stream.eos:
            raise jinja2.TemplateSyntaxError(
                "chunk after expression", parser.stream.current.lineno, None, None
            )
        expr.set_environment(env)
    except jinja2.TemplateSyntaxError:
        env.handle_exception(source=source)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    return env.compile(nodes.Template(body, lineno=1))
