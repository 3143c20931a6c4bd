"""Pack migrations: removed questions, mapped choice values and list-record fields, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from infrascaffold.errors import PackError
from infrascaffold.pack.migrations import migrate_answers, parse_migrations
from tests.builders import build_file_tree
from tests.commands.test_update_lifecycle import run_cli

MIGRATIONS = [
    {
        "version": "2.0.0",
        "remove": ["cost_center"],
        "map": {"tier": {"small": "s", "large": "l"}},
        "records": {
            "envs": {
                "rename": {"zone": "region"},
                "remove": ["legacy"],
                "map": {"size": {"big": "l"}},
                "defaults": {"runner": ""},
            }
        },
    },
    {"version": "3.0.0", "map": {"tier": {"s": "standard"}}},
]


def test_remove_map_and_records_apply_in_version_order() -> None:
    migrations = parse_migrations(MIGRATIONS, "pack.yaml: migrations")
    recorded = {
        "cost_center": "cc-1",
        "tier": "small",
        "envs": [{"name": "dev", "zone": "eu", "legacy": True, "size": "big"}],
    }
    assert migrate_answers(recorded, "1.0.0", migrations) == {
        "tier": "standard",
        "envs": [{"name": "dev", "region": "eu", "size": "l", "runner": ""}],
    }
    # A folder made by 2.0.0 only gets 3.0.0's change.
    assert migrate_answers({"tier": "s"}, "2.0.0", migrations) == {"tier": "standard"}
    assert migrate_answers({"tier": "large"}, "1.0.0", migrations) == {"tier": "l"}


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ([{"version": "1", "remove": "x"}], "migrations[0].remove"),
        ([{"version": "1", "map": {"tier": "s"}}], "migrations[0].map"),
        ([{"version": "1", "records": ["envs"]}], "migrations[0].records"),
        ([{"version": "1", "records": {"envs": {"remove": [1]}}}], "records.envs.remove"),
    ],
)
def test_malformed_migrations_name_the_field(raw: list[object], where: str) -> None:
    with pytest.raises(PackError) as caught:
        parse_migrations(raw, "migrations")
    assert where in str(caught.value)


PACK_V1 = """\
name: svc
version: 1.0.0
questions:
  - {key: cost_center, default: cc-0000}
  - {key: tier, type: choice, choices: [small, large], default: small}
  - key: envs
    type: list
    default: [{name: dev, zone: eu}]
    fields: [{key: name}, {key: zone}]
"""
PACK_V2 = """\
name: svc
version: 2.0.0
questions:
  - {key: tier, type: choice, choices: [standard, premium], default: standard}
  - key: envs
    type: list
    default: [{name: dev, region: eu}]
    fields: [{key: name}, {key: region}]
migrations:
  - version: 2.0.0
    remove: [cost_center]
    map: {tier: {small: standard, large: premium}}
    records: {envs: {rename: {zone: region}}}
"""


def test_a_pack_that_drops_a_question_updates_existing_folders(tmp_path: Path) -> None:
    v1 = build_file_tree(
        tmp_path / "v1",
        {"pack.yaml": PACK_V1, "files/tier.txt.j2": "{{ tier }} {{ cost_center }}\n"},
    )
    v2 = build_file_tree(
        tmp_path / "v2",
        {
            "pack.yaml": PACK_V2,
            "files/tier.txt.j2": "{{ tier }} in {{ envs[0].region }}\n",
            "tests/old/answers.yaml": "cost_center: cc-1\ntier: large\nenvs: [{name: dev, zone: us}]\n",
            "tests/old/migrate-from.yaml": "version: 1.0.0\n",
            "tests/old/expected/tier.txt": "premium in us\n",
        },
    )
    dest = tmp_path / "infra"
    done = run_cli("new", str(dest), "--pack", str(v1), "--defaults", "--set", "tier=large")
    assert done.returncode == 0, done.stderr
    done = run_cli("update", str(dest), "--pack", str(v2))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (dest / "tier.txt").read_text() == "premium in eu\n"
    recorded = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert "cost_center" not in recorded and recorded["tier"] == "premium"
    assert recorded["envs"] == [{"name": "dev", "region": "eu"}]

    tested = run_cli("template", "test", str(v2))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    # The case renders the migrated answers: a wrong expectation fails.
    (v2 / "tests" / "old" / "expected" / "tier.txt").write_text("premium in eu\n")
    assert run_cli("template", "test", str(v2)).returncode == 1
