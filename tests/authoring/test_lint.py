"""`template lint`: each finding on a broken fixture pack, and a clean pack passing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from infrascaffold.authoring import lint_escaping
from infrascaffold.authoring.lint import lint_renders, lint_static
from infrascaffold.cli import cli
from infrascaffold.pack.manifest import load_pack
from tests.builders import ROOT, build_file_tree

CLEAN = """\
name: clean
version: 1.0.0
questions:
  - {key: project, default: demo}
  - {key: flavour, type: choice, choices: [a, b], default: a}
  - {key: extra, type: bool, default: false, when: "flavour == 'b'"}
  - key: envs
    type: list
    default: [{name: dev}]
    fields: [{key: name}]
files:
  - {path: envs, for_each: envs, as: env}
  - {path: extra.md.j2, when: "extra"}
"""
CLEAN_FILES = {
    "files/README.md.j2": "# {{ project }} ({{ flavour }})\n",
    "files/extra.md.j2": "extra\n",
    "files/envs/{{ env.name }}.md.j2": "{% import 'partials/m.j2' as m %}{{ m.title(env.name) }}\n",
    "partials/m.j2": "{% macro title(t) %}# {{ t }}{% endmacro %}",
}


def lint(
    tmp_path: Path, manifest: str = CLEAN, files: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    build_file_tree(tmp_path, {"pack.yaml": manifest, **CLEAN_FILES, **(files or {})})
    return [(f.check, f.message) for f in lint_static(load_pack(str(tmp_path)))]


def test_clean_pack_has_no_findings(tmp_path: Path) -> None:
    assert lint(tmp_path) == []
    pack = load_pack(str(tmp_path))
    assert lint_renders(pack, [], limit=8) == []


def test_syntax_error_in_a_template(tmp_path: Path) -> None:
    findings = lint(tmp_path, files={"files/bad.md.j2": "ok\n{% if %}\n"})
    assert [c for c, _ in findings] == ["template-syntax"]


def test_undeclared_name(tmp_path: Path) -> None:
    findings = lint(tmp_path, files={"files/bad.md.j2": "{{ projetc }}\n"})
    assert findings == [("undeclared-name", "'projetc' is not a question or context value")]


def test_unused_question(tmp_path: Path) -> None:
    manifest = CLEAN.replace("questions:\n", "questions:\n  - {key: forgotten, default: x}\n")
    assert lint(tmp_path, manifest) == [
        ("unused-question", "question 'forgotten' is used by no template")
    ]


def test_when_naming_an_unknown_answer(tmp_path: Path) -> None:
    manifest = CLEAN.replace('when: "extra"}', 'when: "extra and colour == 1"}')
    findings = lint(tmp_path, manifest)
    assert findings == [
        (
            "when-unknown",
            "file rule extra.md.j2: `extra and colour == 1` names unknown answer 'colour'",
        )
    ]


def test_matrix_render_failure_is_reported_with_its_answers(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path, {"pack.yaml": CLEAN, **CLEAN_FILES, "files/extra.md.j2": "{{ envs[3].name }}\n"}
    )
    findings = lint_renders(load_pack(str(tmp_path)), [], limit=8)
    assert len(findings) == 1
    assert findings[0].check == "matrix-render" and "flavour=b" in findings[0].message


def test_lint_command_exit_codes(tmp_path: Path) -> None:
    build_file_tree(tmp_path / "good", {"pack.yaml": CLEAN, **CLEAN_FILES})
    result = CliRunner().invoke(cli, ["template", "lint", str(tmp_path / "good")])
    assert result.exit_code == 0, result.output
    build_file_tree(tmp_path / "bad", {"pack.yaml": "name: x\nversion: nope\n"})
    result = CliRunner().invoke(cli, ["template", "lint", str(tmp_path / "bad")])
    assert result.exit_code == 1 and "[manifest]" in result.output
    result = CliRunner().invoke(cli, ["template", "lint", str(tmp_path / "none")])
    assert result.exit_code == 2


def test_matrix_renders_take_the_closest_base_answers(tmp_path: Path) -> None:
    """A required answer the matrix does not vary comes from the base set closest to each render
    (test cases, then `--answers` files); without one, the finding says how to give it."""
    pack_yaml = CLEAN.replace("questions:\n", "questions:\n  - {key: owner}\n", 1)
    build_file_tree(tmp_path / "p", {"pack.yaml": pack_yaml, **CLEAN_FILES})
    findings = lint_renders(load_pack(str(tmp_path / "p")), [], limit=8)
    assert findings and all("with --answers FILE" in f.message for f in findings)
    build_file_tree(tmp_path, {"base.yml": "owner: team-a\n"})
    args = ["template", "lint", str(tmp_path / "p"), "--answers", str(tmp_path / "base.yml")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def test_a_required_answer_comes_from_its_questions_example_when_no_base_gives_it(
    tmp_path: Path,
) -> None:
    """A question asked only for one choice (`vault_address` for `secrets: vault`) has no default;
    its `example` lets the matrix render that choice, and a base answer set still wins."""
    flavour = "  - {key: flavour, type: choice, choices: [a, b], default: a}\n"
    pack_yaml = CLEAN.replace(
        flavour, flavour + "  - {key: owner, when: \"flavour == 'b'\", example: team-x}\n", 1
    )
    files = {**CLEAN_FILES, "files/README.md.j2": "# {{ project }} ({{ flavour }}) {{ owner }}\n"}
    build_file_tree(tmp_path / "p", {"pack.yaml": pack_yaml, **files})
    pack = load_pack(str(tmp_path / "p"))
    assert [q.example for q in pack.questions if q.key == "owner"] == ["team-x"]
    assert lint_renders(pack, [], limit=8) == []
    without = pack_yaml.replace(", example: team-x", "")
    build_file_tree(tmp_path / "q", {"pack.yaml": without, **files})
    findings = lint_renders(load_pack(str(tmp_path / "q")), [], limit=8)
    assert findings and all("owner: is required" in f.message for f in findings)


def test_the_built_in_pack_lints_clean_over_its_examples() -> None:
    """`template lint` of the built-in pack, each matrix render over the closest shipped
    example: no finding (static or rendered), as a platform team copying it would run it."""
    examples = sorted((ROOT / "examples" / "answers").glob("*.yml"))
    args = ["template", "lint", str(ROOT / "templates" / "platform")]
    result = CliRunner().invoke(cli, [*args, *(a for e in examples for a in ("--answers", str(e)))])
    assert result.exit_code == 0, result.output
    assert "rendered and validated 8 answer set(s)" in result.output


@pytest.mark.parametrize("payload", ["{{ ''.__class__.__mro__ }}", "{{ lipsum.__globals__ }}"])
def test_hostile_template_fails_in_the_sandbox(tmp_path: Path, payload: str) -> None:
    build_file_tree(tmp_path, {"pack.yaml": CLEAN, **CLEAN_FILES, "files/evil.md.j2": payload})
    findings = lint_renders(load_pack(str(tmp_path)), [], limit=2)
    assert findings and all(
        "unsafe" in f.message or "access to attribute" in f.message for f in findings
    )


# --- escaping: every interpolation in HCL, YAML and shell has its filter --------------------

ESCAPING_FILES = {
    "files/main.tf.j2": (
        "name = {{ project_name }}\n"  # 1: flagged
        "tag  = {{ project_name | hcl }}\n"
        "# {{ project_name | comment }}\n"
        "n    = {{ envs | length }}\n"
    ),
    "files/ci.yml.j2": (
        "name: {{ project_name | yaml }}\n"
        "run: echo {{ project_name | sh }}\n"
        "job-{{ project_name }}:\n"  # 3: flagged
        "x: {{ project_name | comment }}\n"  # 4: flagged (not after #)
        "{% include 'partials/setup.txt.j2' %}\n"
        "if: needs[{{ project_name | gha_expr }}].result\n"
    ),
    "files/run.sh.j2": (
        "echo {{ project_name | sh }}\n"
        'echo "{{ project_name }}"\n'  # 2: flagged
        "{% set word = project_name | sh %}echo {{ word }}\n"
        "echo {{ project_name | gha_expr }}\n"  # 4: flagged (not a shell word)
    ),
    "files/README.md.j2": (
        "# {{ project_name }}\n"  # prose: not checked
        "```sh\n"
        "make plan NAME={{ project_name }}\n"  # 3: flagged
        "make plan NAME={{ project_name | sh }}\n"
        "```\n"
    ),
    "partials/setup.txt.j2": "# repo:{{ project_name }}\n# {{ project_name | comment }}\n",
}
ESCAPING_MANIFEST = """\
name: esc
version: 1.0.0
questions:
  - {key: project_name, default: shop}
  - {key: envs, type: list, default: [], fields: [{key: name}]}
"""


def test_unescaped_interpolations_are_flagged_per_language(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"pack.yaml": ESCAPING_MANIFEST, **ESCAPING_FILES})
    found = {
        (f.path, f.line)
        for f in lint_static(load_pack(str(tmp_path)))
        if f.check == "unescaped-interpolation"
    }
    assert found == {
        ("files/main.tf.j2", 1),
        ("files/ci.yml.j2", 3),
        ("files/ci.yml.j2", 4),
        ("files/run.sh.j2", 2),
        ("files/run.sh.j2", 4),
        ("files/README.md.j2", 3),
        ("partials/setup.txt.j2", 1),  # checked as YAML: the language of its includer
    }


def test_unescaped_interpolation_is_an_error_failing_the_lint_command(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"pack.yaml": ESCAPING_MANIFEST, **ESCAPING_FILES})
    flagged = [
        f for f in lint_static(load_pack(str(tmp_path))) if f.check == "unescaped-interpolation"
    ]
    assert flagged and {f.severity for f in flagged} == {"error"} == {lint_escaping.SEVERITY}
    result = CliRunner().invoke(cli, ["template", "lint", str(tmp_path)])
    assert result.exit_code == 1 and "[unescaped-interpolation]" in result.output


LITERAL_MANIFEST = """\
name: lit
version: 1.0.0
questions:
  - {key: project_name, default: shop}
  - {key: speed, type: choice, choices: [slow, fast], default: slow}
  - {key: envs, type: list, default: [], fields: [{key: name}]}
context:
  rollout: "{'slow': {'steps': [25, 100], 'wait': 60}, 'fast': {'steps': [100], 'wait': 5}}[speed]"
  waits: "[rollout.wait, rollout.wait * 2]"
  label: "project_name ~ '-' ~ speed"
  picked: "{'slow': project_name}[speed]"
"""


def test_the_packs_own_literals_need_no_filter(tmp_path: Path) -> None:
    """A context literal (an answer only picks one), loops over it and arithmetic on it pass."""
    files = {
        "files/run.sh.j2": (
            "sleep {{ rollout.wait }}\n"
            "sleep {{ waits[1] }}\n"
            "{% for p in rollout.steps %}w={{ '%.2f' % (p / 100) }}{% endfor %}\n"
            "echo {{ rollout.steps | join(' ') }}\n"
            "echo {{ label }}\n"  # 5: answer-derived context
            "echo {{ picked }}\n"  # 6: a literal map whose value is an answer
            "{% for e in envs %}echo {{ e.name }}{% endfor %}\n"  # 7: a loop over answers
            "echo {{ speed ~ rollout.wait }}\n"  # 8: an answer concatenated with a literal
            "echo {{ '%s' % project_name }}\n"  # 9: arithmetic on an answer
            "echo {{ data.sizes[speed].cpu }} {{ sized.memory }}\n"  # pack data, picked by an answer
            "{% for k, s in data.sizes.items() %}{{ k }}={{ s.cpu }}{% endfor %}\n"  # loop over data
            "echo {{ data.sizes[project_name] ~ project_name }}\n"  # 12: an answer joins the data
        ),
        "data/sizes.yaml": "slow: {cpu: 1, memory: 512}\nfast: {cpu: 4, memory: 2048}\n",
    }
    manifest = LITERAL_MANIFEST + '  sized: "data.sizes[speed]"\n'
    build_file_tree(tmp_path, {"pack.yaml": manifest, **files})
    found = [
        f.line
        for f in lint_static(load_pack(str(tmp_path)))
        if f.check == "unescaped-interpolation"
    ]
    assert found == [5, 6, 7, 8, 9, 12]


def test_ident_escapes_labels_and_shell_words(tmp_path: Path) -> None:
    """`ident` writes only an identifier: an HCL label, a shell word, a YAML key (issue 25's
    service names are all three); a bare interpolation is still flagged."""
    files = {
        "files/main.tf.j2": (
            "{% for e in envs %}\n"
            "module \"m_{{ e.name | replace('-', '_') | ident }}\" {\n"
            "  providers = { aws = aws.{{ e.name | ident }} }\n"
            "}\n"
            "{% endfor %}\n"
        ),
        "files/run.sh.j2": "echo {{ project_name }}\necho {{ project_name | ident }}\n",
        "files/ci.yml.j2": "{{ project_name | ident }}: {{ project_name | yaml }}\n",
    }
    build_file_tree(tmp_path, {"pack.yaml": LITERAL_MANIFEST, **files})
    found = [
        (f.path, f.line)
        for f in lint_static(load_pack(str(tmp_path)))
        if f.check == "unescaped-interpolation"
    ]
    assert found == [("files/run.sh.j2", 1)]


def builtin_offenders() -> list[str]:
    return [
        f.format_text()
        for f in lint_static(load_pack("platform"))
        if f.check == "unescaped-interpolation"
    ]


def test_fixed_offenders_of_the_builtin_pack_stay_fixed() -> None:
    fixed = ("-setup.txt.j2", "/state-recovery.md.j2")
    assert [o for o in builtin_offenders() if any(f in o.split(":")[0] for f in fixed)] == []


def test_builtin_pack_has_no_unescaped_interpolation() -> None:
    assert builtin_offenders() == []
