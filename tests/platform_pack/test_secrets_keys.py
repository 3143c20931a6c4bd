"""One SOPS key per environment, named the same everywhere a render writes it.

`.sops.yaml` encrypts with it, the deploy step refuses a file naming any other key (as sops
records it: an Azure key without the final `/`), and secrets/<env>/README.md tells people which
key it is: all three take it from the `sops_key` filter (templating/sops.py).
"""

from __future__ import annotations

import pytest
import yaml

from infrascaffold.templating.sops import sops_key
from tests.builders import example_answers, render_answers

RULE = {"aws": "kms", "gcp": "gcp_kms", "azure": "azure_keyvault"}


@pytest.mark.parametrize("name", ["aws-services", "gcp-services", "azure-services"])
def test_each_environments_key_is_the_same_in_the_rules_the_deploy_and_the_readme(
    name: str,
) -> None:
    answers = {**example_answers(name), "secrets": "sops"}
    cloud = answers["cloud"]
    tree = render_answers(answers)
    rules = yaml.safe_load(tree[".sops.yaml"])["creation_rules"]
    deploy = tree[".github/workflows/_deploy.yml"]
    assert len(rules) == len(answers["environments"])
    for env, rule in zip(answers["environments"], rules, strict=True):
        key = sops_key(env, answers["project_name"], cloud)
        assert rule[RULE[cloud]] == key
        recorded = key.rstrip("/") if cloud == "azure" else key
        assert f"{env['name']}) sops_key={recorded} ;;" in deploy
        assert f"`{key}`" in tree[f"secrets/{env['name']}/README.md"]
