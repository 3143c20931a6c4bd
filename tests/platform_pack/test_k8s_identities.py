"""An identity per service on Kubernetes (issue 25): EKS, GKE and AKS.

The primary service keeps the service account `app/app` and the application's cloud identity
(single-service renders unchanged: the goldens); every other service runs as `app/svc-<name>`,
bound in the main stack (`k8s-identities.tf`) to a cloud identity of its own that reads its own
secret only. The overlays are built with kustomize (test_services_k8s's `objects`), so the
annotations checked are the ones `kubectl apply -k` sends.

Facts pinned from the providers' documentation and issues:
- EKS Pod Identity assumes the role as `pods.eks.amazonaws.com` with `sts:AssumeRole` and
  `sts:TagSession`, and tags the session with the cluster, namespace and service account, which
  a trust policy may require (docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html).
- GKE Workload Identity: `roles/iam.workloadIdentityUser` for the member
  `serviceAccount:<project>.svc.id.goog[<ns>/<sa>]`; the pool exists only once the project's
  first cluster with Workload Identity does ("Identity Pool does not exist":
  terraform-google-modules/terraform-google-kubernetes-engine#916), hence depends_on the cluster.
- AKS: a federated identity credential, subject `system:serviceaccount:<ns>:<sa>`, audience
  `api://AzureADTokenExchange`, issuer the cluster's OIDC issuer; a new credential takes a while
  to be honoured (AADSTS70021 meanwhile: Azure/azure-workload-identity#273).
"""

from __future__ import annotations

import copy
import hashlib
from functools import cache
from typing import Any

import pytest

from tests.builders import example_answers, render_answers
from tests.platform_pack.test_services_k8s import kubectl, objects, pod_of
from tests.platform_pack.test_services_k8s import tree as services_tree
from tests.terraform_checks import parse_hcl, unquote

CLOUDS = ("aws", "gcp", "azure")
OTHERS = {"worker": "svc-worker", "nightly": "svc-nightly", "admin": "svc-admin"}
WORKLOADS = {"api": ("Rollout", "app"), "admin": ("Rollout", "svc-admin")} | {
    "worker": ("Deployment", "svc-worker"),
    "nightly": ("CronJob", "svc-nightly"),
}
IDENTITIES = "k8s-identities.tf"


def plain(value: Any) -> Any:
    """python-hcl2's value without the quotes it keeps around strings and labels."""
    if isinstance(value, dict):
        return {unquote(k): plain(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return unquote(value)


@cache
def identities(cloud: str) -> dict[str, Any]:
    doc: dict[str, Any] = plain(parse_hcl(services_tree(cloud)[IDENTITIES]))
    return doc


def resource(cloud: str, kind: str, name: str) -> dict[str, Any]:
    for block in identities(cloud)["resource"]:
        if kind in block and name in block[kind]:
            body: dict[str, Any] = block[kind][name]
            return body
    raise AssertionError(f"{kind}.{name} not in {IDENTITIES}")


def data(cloud: str, kind: str, name: str) -> dict[str, Any]:
    for block in identities(cloud)["data"]:
        if kind in block and name in block[kind]:
            body: dict[str, Any] = block[kind][name]
            return body
    raise AssertionError(f"data {kind}.{name} not in {IDENTITIES}")


def locals_of(cloud: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in identities(cloud)["locals"]:
        merged |= block
    return merged


@cache
def single(cloud: str) -> dict[str, str]:
    return dict(render_answers(example_answers(f"{cloud}-kubernetes-canary")))


# --- the manifests ---------------------------------------------------------------------------


@kubectl
@pytest.mark.parametrize("cloud", CLOUDS)
def test_each_service_runs_as_its_own_service_account(cloud: str) -> None:
    built = objects(cloud)
    for name, (kind, account) in WORKLOADS.items():
        pod = pod_of(built[(kind, name)])
        assert pod["serviceAccountName"] == account, name
        assert pod["automountServiceAccountToken"] is False, name
        assert built[("ServiceAccount", account)]["automountServiceAccountToken"] is False
    accounts = {n for (k, n) in built if k == "ServiceAccount"}
    assert accounts == {"app", *OTHERS.values()}


@kubectl
def test_service_accounts_carry_their_own_identity_from_deploy_env() -> None:
    """deploy-inputs.sh reads k8s_identity_<name> into <KEY>_<NAME>; kustomize annotates it."""
    gcp, azure, aws = objects("gcp"), objects("azure"), objects("aws")
    for name, account in OTHERS.items():
        assert gcp[("ServiceAccount", account)]["metadata"]["annotations"] == {
            "iam.gke.io/gcp-service-account": f"k8s_identity_{name}-value"
        }
        assert azure[("ServiceAccount", account)]["metadata"]["annotations"] == {
            "azure.workload.identity/client-id": f"k8s_identity_{name}-value"
        }
        assert "annotations" not in aws[("ServiceAccount", account)]["metadata"]
    # The primary's stays the application's identity.
    assert gcp[("ServiceAccount", "app")]["metadata"]["annotations"] == {
        "iam.gke.io/gcp-service-account": "gke_app_service_account-value"
    }
    assert azure[("ServiceAccount", "app")]["metadata"]["annotations"] == {
        "azure.workload.identity/client-id": "app_identity_client_id-value"
    }


@pytest.mark.parametrize("cloud", ("gcp", "azure"))
def test_every_identity_output_deploy_inputs_reads_exists(cloud: str) -> None:
    files = services_tree(cloud)
    script = files["k8s/deploy-inputs.sh"]
    outputs = {label for block in identities(cloud)["output"] for label in block}
    for name in OTHERS:
        key = {"gcp": "GCP_SERVICE_ACCOUNT", "azure": "AZURE_CLIENT_ID"}[cloud]
        assert f"output k8s_identity_{name} {key}_{name.upper()}\n" in script
        assert f"k8s_identity_{name}" in outputs


def test_a_service_named_app_does_not_take_the_primarys_service_account() -> None:
    answers = example_answers("aws-kubernetes-canary") | {
        "services": [
            {"name": "api", "kind": "http", "path": "/", "runtime": "node", "version": "22",
             "port": 3000, "health_path": "/healthz"},
            {"name": "app", "kind": "worker", "runtime": "go", "version": "1.25",
             "port": 8081, "health_path": "/health"},
        ]
    }  # fmt: skip
    files = dict(render_answers(answers))
    accounts = files["k8s/base/service-account.yaml"]
    assert 'name: "app"\n' in accounts and 'name: "svc-app"\n' in accounts
    assert 'serviceAccountName: "svc-app"' in files["k8s/base/workload.yaml"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_single_service_renders_keep_one_service_account_and_no_identities(cloud: str) -> None:
    files = single(cloud)
    assert IDENTITIES not in files
    assert files["k8s/base/service-account.yaml"].count("kind: ServiceAccount") == 1
    assert "k8s_identity_" not in files["k8s/deploy-inputs.sh"]


# --- EKS -------------------------------------------------------------------------------------


def test_eks_role_trusts_only_its_service_account_on_this_cluster() -> None:
    (statement,) = data("aws", "aws_iam_policy_document", "k8s_service_assume")["statement"]
    assert statement["actions"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["principals"][0]["identifiers"] == ["pods.eks.amazonaws.com"]
    conditions = {c["variable"]: c for c in statement["condition"]}
    assert all(c["test"] == "StringEquals" for c in conditions.values())
    assert conditions["aws:RequestTag/kubernetes-service-account"]["values"] == ["${each.value}"]
    assert conditions["aws:RequestTag/kubernetes-namespace"]["values"] == ["app"]
    assert conditions["aws:RequestTag/eks-cluster-name"]["values"] == ["${module.app.cluster_name}"]
    assert "aws:SourceAccount" in conditions


def test_eks_role_reads_its_own_secret_only() -> None:
    statements = data("aws", "aws_iam_policy_document", "k8s_service")["statement"]
    by_sid = {s["sid"]: s for s in statements}
    secrets = by_sid["ReadOwnSecrets"]["resources"]
    assert secrets[0] == "${aws_secretsmanager_secret.k8s_service[each.key].arn}"
    # The example has Redis and MySQL: the cache's AUTH token and the database the primary's way.
    assert secrets[1:] == ["${module.cache.auth_secret_arn}"]
    assert by_sid["SignInToTheDatabase"]["resources"] == ["${module.database.app_user_arn}"]
    assert "app_secret_arn" not in services_tree("aws")[IDENTITIES]
    secret = resource("aws", "aws_secretsmanager_secret", "k8s_service")
    assert secret["name"] == "${local.name}-${each.key}/app"
    assert secret["kms_key_id"] == "${module.secrets.kms_key_arn}"


def test_eks_association_and_role_live_under_the_runtime_path() -> None:
    association = resource("aws", "aws_eks_pod_identity_association", "k8s_service")
    assert association["namespace"] == "app"
    assert association["service_account"] == "${each.value}"
    assert association["role_arn"] == "${aws_iam_role.k8s_service[each.key].arn}"
    role = resource("aws", "aws_iam_role", "k8s_service")
    assert role["path"] == "${local.runtime_role_path}"
    assert role["permissions_boundary"] == "${local.runtime_boundary_arn}"
    assert locals_of("aws")["k8s_service_accounts"] == OTHERS
    # Never the cluster module's own role names (<name>-eks-app for a service named app).
    roles = locals_of("aws")["k8s_service_roles"]
    assert '"${local.name}-eks-svc-${name}") <= 64' in roles
    assert "substr(" in roles and ", 0, 59)" in roles


# --- GKE -------------------------------------------------------------------------------------


def test_gke_binds_only_its_kubernetes_service_account_once_the_pool_exists() -> None:
    binding = resource("gcp", "google_service_account_iam_member", "k8s_service_workload_identity")
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == "serviceAccount:${var.project_id}.svc.id.goog[app/${each.value}]"
    assert binding["depends_on"] == ["${module.app}"]


def test_gke_account_reads_its_own_secret_only() -> None:
    grant = resource("gcp", "google_secret_manager_secret_iam_member", "k8s_service")
    assert grant["role"] == "roles/secretmanager.secretAccessor"
    assert grant["secret_id"] == "${module.k8s_service_secrets[each.key].app_secret_id}"
    assert "module.secrets." not in services_tree("gcp")[IDENTITIES]


def account_id(project: str, env: str, service: str) -> str:
    """bootstrap/runtime.tf's rule for a service's account, in Python."""
    full = f"{project}-{env}-{service}"
    if len(full) > 49:
        full = f"{full[:44]}-{hashlib.md5(full.encode()).hexdigest()[:4]}"
    prefix = (
        full if len(full) <= 25 else f"{full[:20]}-{hashlib.md5(full.encode()).hexdigest()[:4]}"
    )
    return f"{prefix}-k8s"


def test_gke_accounts_are_the_ones_bootstrap_creates() -> None:
    files = services_tree("gcp")
    bootstrap = files["bootstrap/runtime.tf"]
    assert '[["worker", "k8s"], ["nightly", "k8s"], ["admin", "k8s"]]' in bootstrap
    # The deploy identity writes the Workload Identity binding: it administers these accounts.
    assert 'admin = true, purpose = "GKE workload ${pair[0]}"' in bootstrap
    text = files[IDENTITIES]
    assert '"${local.name}-${name}") <= 49' in text and "substr(full, 0, 20)" in text
    assert '-${substr(md5(full), 0, 4)}"}-k8s"' in text
    for project in ("payments", "a-very-long-project-name-indeed"):
        assert 6 <= len(account_id(project, "staging", "worker")) <= 30


def test_gke_database_user_per_service_account() -> None:
    """The database module's service_account_emails: a Cloud SQL IAM user and login per service."""
    files = services_tree("gcp")
    main = files["main.tf"]
    emails = main.split("service_account_emails = {")[1].split("}")[0]
    for name in OTHERS:
        assert f'"{name}"' in emails
        assert f'data.google_service_account.k8s_service["{name}"].email' in emails
    assert 'output "database_service_users"' in files["outputs.tf"]
    assert "database_service_users" in files["docs/runbooks/create-environment.md"]
    assert "google_sql_user" not in files[IDENTITIES]


# --- AKS -------------------------------------------------------------------------------------


def test_aks_federates_only_its_service_account_on_this_clusters_issuer() -> None:
    credential = resource("azure", "azurerm_federated_identity_credential", "k8s_service")
    assert credential["subject"] == "system:serviceaccount:app:${each.value}"
    assert credential["audience"] == ["api://AzureADTokenExchange"]
    assert credential["issuer"] == "${module.app.oidc_issuer_url}"
    assert credential["parent_id"] == (
        "${data.azurerm_user_assigned_identity.k8s_service[each.key].id}"
    )
    assert "AADSTS70021" in services_tree("azure")[IDENTITIES]


def test_aks_identities_are_bootstraps_and_read_no_vault() -> None:
    files = services_tree("azure")
    environments = files["bootstrap/environments.tf"]
    for name in OTHERS:
        assert f'svc-{name} = "svc-{name}"' in environments
    identity = data("azure", "azurerm_user_assigned_identity", "k8s_service")
    assert identity["name"] == "${local.name}-svc-${each.key}"
    # No role on the application's vault: each reads its own (service-vaults.tf).
    assert "Key Vault Secrets User" not in files[IDENTITIES]
    assert "module.key_vault" not in files[IDENTITIES]
    assert "module.service_vault[name].key_vault_uri" in files[IDENTITIES]


# --- docs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_readme_and_runbook_name_every_services_identity(cloud: str) -> None:
    files = services_tree(cloud)
    (identity,) = [line for line in files["k8s/README.md"].splitlines() if "**Identity:**" in line]
    for account in OTHERS.values():
        assert f"`{account}`" in identity
        assert f"`{account}`" in files["docs/runbooks/rotate-secrets.md"]
    assert "share its permissions" not in identity


def test_services_keep_today_answers_for_the_other_computes() -> None:
    answers = copy.deepcopy(example_answers("gcp-services"))
    files = dict(render_answers(answers))
    assert IDENTITIES not in files
    assert '"k8s"' not in files["bootstrap/runtime.tf"]
