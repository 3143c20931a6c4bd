"""The `sops_key` and `sops_vault` filters (templating/sops.py): an environment's SOPS key."""

from __future__ import annotations

import pytest

from infrascaffold.templating.environment import make_environment
from infrascaffold.templating.sops import sops_key, sops_vault

AWS = {"name": "staging", "region": "eu-west-1", "account_id": "123456789012"}
GCP = {"name": "prod", "region": "europe-west1", "project_id": "shop-prod-1"}
AZURE = {"name": "staging", "subscription_id": "ABCDEF12-0000-0000-0000-000000000000"}


def test_aws_names_the_environments_alias_by_its_arn() -> None:
    assert (
        sops_key(AWS, "shop", "aws") == "arn:aws:kms:eu-west-1:123456789012:alias/shop-staging-sops"
    )


def test_gcp_names_the_key_sops_of_the_environments_key_ring() -> None:
    assert sops_key(GCP, "shop", "gcp") == (
        "projects/shop-prod-1/locations/europe-west1/keyRings/shop-prod-sops/cryptoKeys/sops"
    )


def test_azure_names_the_versionless_key_of_the_environments_sops_vault() -> None:
    # The final / makes sops 3.11+ encrypt with the key's latest version.
    assert sops_key(AZURE, "shop", "azure") == (
        "https://shop-staging-sops-abcdef.vault.azure.net/keys/sops/"
    )


@pytest.mark.parametrize(
    ("project", "env", "vault"),
    [
        ("shop", "dev", "shop-dev-sops-abcdef"),  # short: as it is, the ID lower-cased
        ("payments-platform", "staging", "payments-pla-sops-abcdef"),  # cut at 12 characters
        ("abcdefghijk", "dev", "abcdefghijk-sops-abcdef"),  # a cut ending in '-' loses it
    ],
)
def test_the_vault_name_is_the_one_bootstrap_computes(project: str, env: str, vault: str) -> None:
    # trim(substr("<project>-<env>", 0, 12), "-")-sops-<6 of the lower-cased subscription ID>
    assert sops_vault({**AZURE, "name": env}, project) == vault


def test_a_vault_name_that_is_no_identifier_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a Key Vault name"):
        sops_vault({**AZURE, "name": "a b"}, "shop")


def test_a_cloud_without_a_sops_key_is_refused() -> None:
    with pytest.raises(ValueError, match="no SOPS key on cloud 'none'"):
        sops_key(AWS, "shop", "none")


def test_templates_reach_them_as_filters() -> None:
    env = make_environment()
    key = env.from_string("{{ env | sops_key(project_name, cloud) }}")
    assert key.render(env=AWS, project_name="shop", cloud="aws") == sops_key(AWS, "shop", "aws")
    vault = env.from_string("{{ env | sops_vault(project_name) }}")
    assert vault.render(env=AZURE, project_name="shop") == "shop-staging-sops-abcdef"
