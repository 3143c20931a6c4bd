"""What validation guesses about a repository, scoped so that good code stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.settings import Settings, settings_from
from infrascaffold.validate.validation import validate_tree

pytestmark = pytest.mark.usefixtures("hcl_parser_warm")

VARIABLES = (
    'variable "region" {\n  type        = string\n  description = "Region."\n}\n'
    'variable "vpc_cidr" {\n  type        = string\n  description = "CIDR."\n'
    '  default     = "10.0.0.0/16"\n}\n'
)


def errors(tree: dict[str, str], cache: Path, settings: Settings | None = None) -> list[str]:
    found: list[Finding] = validate_tree(tree, cache_dir=cache, settings=settings)
    return [f"{f.path}:{f.line}: {f.check}" for f in found if f.severity == "error"]


def test_tfvars_are_checked_against_their_own_folder_and_the_generated_layout(
    tmp_path: Path,
) -> None:
    tree = {
        "stack/variables.tf": VARIABLES,
        "stack/terraform.tfvars": 'region = "eu-west-1"\nzone = "a"\n',
        "stack/environments/dev.tfvars": 'region = "eu-west-1"\nsize = 1\n',
    }
    assert errors(tree, tmp_path) == [
        "stack/environments/dev.tfvars:2: tfvars-unknown-variable",
        "stack/terraform.tfvars:2: tfvars-unknown-variable",
    ]


def test_tfvars_of_no_known_module_are_not_guessed_at(tmp_path: Path) -> None:
    tree = {
        "variables.tf": VARIABLES,
        "config/prod.tfvars": 'something_else = "x"\n',
        "examples/complete/vars/a.tfvars": 'other = "y"\n',
    }
    assert errors(tree, tmp_path) == []


def test_a_configured_tfvars_mapping_is_checked(tmp_path: Path) -> None:
    tree = {"stack/variables.tf": VARIABLES, "config/prod.tfvars": 'region = "x"\nnope = 1\n'}
    settings = settings_from({"tfvars": {"config/*.tfvars": "stack"}}, "test")
    assert errors(tree, tmp_path, settings) == ["config/prod.tfvars:2: tfvars-unknown-variable"]
    missing = settings_from({"tfvars": {"config/*.tfvars": "gone"}}, "test")
    found = validate_tree(tree, cache_dir=tmp_path, settings=missing)
    assert [(f.check, f.severity) for f in found if f.check.startswith("tfvars")] == [
        ("tfvars-no-module", "warning")
    ]


@pytest.mark.parametrize(
    "folder", ["tests", "test", "fixtures", "examples/basic/fixtures", ".terraform/modules/x"]
)
def test_test_and_fixture_folders_are_not_modules(folder: str, tmp_path: Path) -> None:
    tree = {
        "main.tf": "locals {\n  a = 1\n}\n",
        f"{folder}/main.tf": "locals {\n  b = var.undeclared\n}\n",
        f"{folder}/broken.yml": "a: [\n",
    }
    assert errors(tree, tmp_path) == []
    included = settings_from({"include": [f"{folder}/*"]}, "test")
    assert errors(tree, tmp_path, included) == [
        f"{folder}/broken.yml:2: yaml-syntax",
        f"{folder}/main.tf:2: undeclared-reference",
    ]


def test_templatefile_sources_are_templates_not_yaml(tmp_path: Path) -> None:
    tree = {
        "main.tf": 'locals {\n  a = templatefile("${path.module}/templates/cloud-init.yaml", {})\n}\n',
        "templates/cloud-init.yaml": "runcmd:\n%{ for c in cmds ~}\n  - ${c}\n%{ endfor ~}\n",
        "other.yaml": "a: [\n",
    }
    assert errors(tree, tmp_path) == ["other.yaml:2: yaml-syntax"]


CIDR_TREE = {
    "variables.tf": VARIABLES,
    "environments/dev.tfvars": 'region = "a"\nvpc_cidr = "10.0.0.0/16"\n',
    "environments/prod.tfvars": 'region = "a"\nvpc_cidr = "10.0.0.0/16"\n',
    "tests/a/terraform.tfvars": 'vpc_cidr = "10.0.0.0/16"\n',
}


def test_cidrs_of_unknown_environments_are_not_compared(tmp_path: Path) -> None:
    assert errors(CIDR_TREE, tmp_path) == []


@pytest.mark.parametrize(
    "settings",
    [
        Settings(environment_names=("dev", "prod")),  # a generated record
        settings_from({"environments": ["environments/*.tfvars"]}, "test"),
    ],
)
def test_cidrs_of_known_environments_are_compared(settings: Settings, tmp_path: Path) -> None:
    assert errors(CIDR_TREE, tmp_path, settings) == ["environments/prod.tfvars:2: env-cidr-overlap"]


@pytest.mark.parametrize(
    "text",
    [
        'password = "XXXXXXXX"\n',
        'password = "<your-password>"\n',
        'api_token = "changeme"\n',
        'secret = "example-secret-value"\n',
        '# password = "hunter22hunter"\n',
        'password = "mySecretPassword"\n',
        'password = "foobar12"\n',
        'password = "${var.db_password}"\n',
        "password = \"[parameters('domainPassword')]\"\n",
    ],
)
def test_placeholders_comments_and_references_are_no_secrets(text: str, tmp_path: Path) -> None:
    assert errors({"main.tfvars": text}, tmp_path) == []


def test_markdown_is_scanned_in_code_blocks_only(tmp_path: Path) -> None:
    text = (
        '# Setup\n\nSet `password: "hunter22hunter"` in prose.\n\n'
        '```yaml\npassword: "hunter22hunter22x"\nsecret: "hunter22"\n```\n'
    )
    assert errors({"README.md": text}, tmp_path) == ["README.md:6: secret"]


def test_yaml_with_template_markers_that_does_not_parse_is_a_template(tmp_path: Path) -> None:
    tree = {
        "main.tf": 'variable "kind" {}\nlocals {\n  a = templatefile("${path.module}/${var.kind}.yaml", {})\n}\n',
        "gitlab.yaml": 'env:\n  %{~ if files != [] ~}\n  FILES: ${join(",", files)}\n  %{~ endif ~}\n',
    }
    assert errors(tree, tmp_path) == []


def test_terraform_tfvars_need_not_set_every_variable(tmp_path: Path) -> None:
    tree = {
        "variables.tf": VARIABLES,
        "terraform.tfvars": 'vpc_cidr = "10.1.0.0/16"\n',  # region comes from -var or TF_VAR_
        "environments/dev.tfvars": 'vpc_cidr = "10.1.0.0/16"\n',
    }
    assert errors(tree, tmp_path) == ["environments/dev.tfvars:1: tfvars-missing-variable"]
