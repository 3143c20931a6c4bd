"""Every cloud × compute kind × CI system, rendered and validated by the installed wheel.

Pairwise coverage in 12 renders: cloud i, compute j and CI (i + j) mod 3 cover every
cloud × compute, cloud × CI and compute × CI pair (a Latin-square design).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infrascaffold.pack.manifest import load_pack
from tests.e2e.conftest import Installed

CLOUDS = ("aws", "gcp", "azure")
COMPUTE = ("containers", "kubernetes", "serverless", "static-site")
CI = ("github-actions", "gitlab-ci", "none")
COMBOS = [
    (cloud, compute, CI[(i + j) % len(CI)])
    for i, cloud in enumerate(CLOUDS)
    for j, compute in enumerate(COMPUTE)
]
SUMMARY = re.compile(r"^OK: (\d+) Terraform files?, (\d+) CI files? checked: 0 error\(s\)", re.M)


def test_the_matrix_covers_every_choice_and_pair() -> None:
    choices = {q.key: tuple(q.choices or ()) for q in load_pack("platform").questions}
    assert (choices["cloud"], choices["compute"], choices["ci"]) == (CLOUDS, COMPUTE, CI)
    for a, b in ((0, 1), (0, 2), (1, 2)):
        assert len({(c[a], c[b]) for c in COMBOS}) == len({c[a] for c in COMBOS}) * len(
            {c[b] for c in COMBOS}
        )


@pytest.mark.parametrize(("cloud", "compute", "ci"), COMBOS, ids=["-".join(c) for c in COMBOS])
def test_render_and_validate(
    installed: Installed, work: Path, cloud: str, compute: str, ci: str
) -> None:
    sets = ["--set", f"compute={compute}", "--set", f"ci={ci}"]
    if compute == "kubernetes":  # the protected prod's private cluster: a runner in its network
        sets += ["--set", "environments.2.runner=prod-network"]
    new = installed.run(
        "new", "infra", "--example", f"{cloud}-containers", *sets, "--no-input", cwd=work
    )
    assert new.returncode == 0, new.stderr
    assert re.match(r"Rendered \d+ files of pack platform", new.stdout)
    validate = installed.run("validate", "infra", cwd=work)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    found = SUMMARY.search(validate.stdout)
    assert found, validate.stdout
    terraform, ci_files = map(int, found.groups())
    assert terraform > 10
    assert (ci_files > 0) == (ci != "none")
