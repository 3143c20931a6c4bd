"""The trimmed provider schemas shipped in the package, and the script that makes them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from infrascaffold.validate.provider_schemas import PROVIDERS, load_schema

ROOT = Path(__file__).resolve().parents[2]
FULL_SCHEMAS = ROOT / "scripts" / "provider-schemas"


def trim_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "trim_schemas", ROOT / "scripts" / "trim_schemas.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["trim_schemas"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("provider", PROVIDERS)
def test_trimmed_schema_knows_every_type_and_vendors_some(provider: str) -> None:
    schema = load_schema(provider)
    cloud = provider != "vault"  # vault: 160 types, 3 vendored (the vault/ stack of secrets: vault)
    assert len(schema.type_names["resources"]) > (1000 if cloud else 100)
    assert len(schema.type_names["data_sources"]) > (300 if cloud else 30)
    assert set(schema.schemas["resources"]) <= schema.type_names["resources"]
    assert (20 if cloud else 0) < len(schema.schemas["resources"]) < 300


def test_every_type_the_packs_use_is_vendored() -> None:
    script = trim_script()
    used = script.template_types(ROOT / "templates")
    for kind, names in used.items():
        for name in names:
            provider = name.split("_", 1)[0]
            if provider in PROVIDERS:
                assert name in load_schema(provider).schemas[kind], (
                    f"{name}: run scripts/trim_schemas.py"
                )


def test_every_extra_type_exists() -> None:
    script = trim_script()
    for name in script.extra_types(ROOT / "infrascaffold" / "schemas" / "extra-types.txt"):
        schema = load_schema(name.split("_", 1)[0])
        assert name in schema.type_names["resources"] | schema.type_names["data_sources"], name


@pytest.mark.skipif(not FULL_SCHEMAS.is_dir(), reason="../shared/provider-schemas is not here")
def test_shipped_schemas_are_what_the_script_makes(tmp_path: Path) -> None:
    script = trim_script()
    assert script.main([str(FULL_SCHEMAS), "--output", str(tmp_path)]) == 0
    for provider in PROVIDERS:
        shipped = ROOT / "infrascaffold" / "schemas" / f"{provider}.json.gz"
        assert (tmp_path / f"{provider}.json.gz").read_bytes() == shipped.read_bytes(), (
            f"{shipped.name} is stale: run scripts/trim_schemas.py"
        )
