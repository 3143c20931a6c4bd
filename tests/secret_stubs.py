"""Running a deploy job's secret step against stubs: shared by the tests of every secrets strategy.

A step is rendered from its partial with the render's context (`render_step`), then run by a
shell in a folder of its own, with stubs first on the PATH (`install`) that record how they were
called in $CALLS. sops is never on the PATH: the step downloads the pinned release, which the
curl stub answers with the sops stub ($STUB_SOPS), and checks its digest, which the sha256sum
stub accepts (the stub is not the release); a sops found on the PATH fails loudly.
"""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment

# The decrypted value every sops stub prints (a test checks it never reaches a log).
SOPS = """#!/usr/bin/env bash
echo "sops $*" >> "$CALLS"
printf '%s' '{"API_TOKEN": "s3cret-value"}'
"""

# The pinned sops download: the stub sops, written where the step asked (-o), recorded.
DOWNLOAD_CURL = """#!/usr/bin/env bash
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift ;; esac; shift; done
echo "$out" >> "$DOWNLOADS"
cp "$STUB_SOPS" "$out"
"""

# The digest check of the download passes (BAD_DIGEST makes it fail); any other use is the real one.
SHA256SUM = """#!/usr/bin/env bash
if [ "${1:-}" = "-c" ]; then
  read -r digest path; echo "sha256sum -c $digest $path" >> "$CALLS"; [ -z "${BAD_DIGEST:-}" ]; exit
fi
exec /usr/bin/sha256sum "$@"
"""

# A sops on the PATH: the step must never run it.
PATH_SOPS = "#!/bin/sh\necho 'a sops on the PATH ran' >&2\nexit 99\n"


def install(tmp_path: Path, stubs: Mapping[str, str]) -> Path:
    """Write `stubs` (name → script) into tmp_path/bin, `sops` as $STUB_SOPS; returns bin."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, text in {**stubs, "sops-on-path": PATH_SOPS}.items():
        if name == "sops":
            where = tmp_path / "stub-sops"
        elif name == "sops-on-path":
            where = folder / "sops"
        else:
            where = folder / name
        where.write_text(text, encoding="utf-8")
        where.chmod(0o755)
    return folder


def stub_env(tmp_path: Path, folder: Path, **extra: str) -> dict[str, str]:
    """The environment a step runs in: the stubs first on the PATH, their record files."""
    return {
        "PATH": f"{folder}:/usr/bin:/bin",
        "CALLS": str(tmp_path / "calls"),
        "DOWNLOADS": str(tmp_path / "downloads"),
        "STUB_SOPS": str(tmp_path / "stub-sops"),
        "PUT_COPY": str(tmp_path / "put"),
        "PUT_MODE": str(tmp_path / "mode"),
        **extra,
    }


def render_step(answers: Mapping[str, Any], template: str, service: str | None = None) -> str:
    """Partial `template` rendered for `answers` with the render's context; `service` names the
    service it is rendered for (`svc`, as a caller's loop sets it)."""
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(
        pack, env, apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    )
    assert not problems
    context = dict(build_context(pack, env, resolved))
    if service is not None:
        (context["svc"],) = [s for s in context["all_services"] if s["name"] == service]
    return str(env.get_template(template).render(context))


def run(
    script: str, cwd: Path, env: Mapping[str, str], shell: tuple[str, ...] = ("bash",)
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*shell, "-c", script],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def sops_file(metadata: Mapping[str, Any]) -> str:
    """An encrypted file as sops writes it: the values, then the `sops` metadata (stores/stores.go)."""
    meta = {"lastmodified": "2026-01-01T00:00:00Z", "mac": "ENC[AES256_GCM,data:m]"}
    return json.dumps({"API_TOKEN": "ENC[AES256_GCM,data:x]", "sops": {**meta, **metadata}})
