"""The security model of every Azure render of the answer matrix (issue 16, principles 1-7).

The pairwise matrix of `template lint` (infrascaffold/answers/matrix.py) over the pack's choice and
bool questions with `cloud: azure`, on the Azure example answers: each render's bootstrap, root
stack, add-ons stack and pipelines are parsed and judged. The helpers stay in this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import pytest
import yaml

from infrascaffold.answers.matrix import matrix_questions, pairwise_sets, sample_answers
from infrascaffold.pack.manifest import load_pack
from tests.builders import example_answers, render_answers
from tests.terraform_checks import labelled, parse_hcl, provider_schema, unquote

Doc = dict[str, Any]
MANAGEMENT = "99999999-9999-4999-8999-999999999999"
BASE = {**example_answers("azure-containers"), "domain": "shop.example.com",
        "alert_email": "ops@example.com"}  # fmt: skip
# Roles no CI identity may hold anywhere, and none it may grant.
ESCALATING_ROLES = {"Owner", "User Access Administrator", "Contributor",
                    "Role Based Access Control Administrator", "Key Vault Administrator",
                    "Key Vault Secrets Officer", "Key Vault Secrets User",
                    "Azure Kubernetes Service RBAC Cluster Admin"}  # fmt: skip
PLAN_ROLES = {"Reader", "Storage Blob Data Reader"}
SECRET_ACTIONS = re.compile(r"listKeys|listCredential|/secrets/|getSecret|regenerateKey|"
                            r"listAdminCredential|listClusterAdminCredential|/write$|/delete$|\*")  # fmt: skip


@cache
def matrix() -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    pack = load_pack("platform")
    sets = pairwise_sets(
        matrix_questions(pack.questions, {"cloud": "azure"}), 16, {"cloud": "azure"}
    )
    return tuple(
        (", ".join(f"{k}={v}" for k, v in chosen.items()), tuple(chosen.items())) for chosen in sets
    )


COMBOS = [label for label, _ in matrix()]


@cache
def answers(label: str) -> dict[str, Any]:
    chosen = dict(dict(matrix())[label])
    merged = {**sample_answers(load_pack("platform").questions), **BASE, **chosen, "cloud": "azure"}
    if merged["compute"] == "static-site":
        merged.pop("database", None)
        merged.pop("cache", None)
    if merged["ci"] == "none":
        merged.pop("repository", None)
    # A protected cluster's endpoint is private: its jobs run on a runner inside the network.
    merged["environments"] = [
        {**env, "runner": "prod-network"} if env["protected"] else env
        for env in merged["environments"]
    ]
    return merged


@cache
def tree(label: str) -> Mapping[str, str]:
    return render_answers(answers(label))


def docs(label: str, prefix: str) -> dict[str, Doc]:
    return {path: parse_hcl(text) for path, text in tree(label).items()
            if path.startswith(prefix) and path.endswith(".tf")}  # fmt: skip


def resources(label: str, prefix: str, kind: str) -> Iterator[tuple[str, str, Doc]]:
    """(path, name, body) of the resources of type `kind` in the files under `prefix`."""
    for path, doc in docs(label, prefix).items():
        for (type_, name), body in labelled(doc.get("resource"), 2):
            if type_ == kind:
                yield path, name, body


def role_assignments(label: str) -> list[tuple[str, str, Doc]]:
    return list(resources(label, "bootstrap/", "azurerm_role_assignment"))


def principal(body: Doc) -> str:
    return str(unquote(body["principal_id"]))


def is_ci(body: Doc) -> bool:
    """Whether a role assignment's principal is a CI identity (deploy or plan)."""
    return bool(re.search(r"deploy|plan", principal(body)))


combos = pytest.mark.parametrize("label", COMBOS)


def test_the_matrix_covers_every_compute_kind_and_ci_system() -> None:
    assert {answers(label)["compute"] for label in COMBOS} == {
        "containers", "kubernetes", "serverless", "static-site"}  # fmt: skip
    assert {answers(label)["ci"] for label in COMBOS} == {"github-actions", "gitlab-ci", "none"}


# --- 1. one isolation boundary per environment ------------------------------------------------


@combos
def test_each_environment_is_a_subscription_and_state_lives_in_management(label: str) -> None:
    environments = answers(label)["environments"]
    subscriptions = [env["subscription_id"] for env in environments]
    assert len(set(subscriptions)) == len(subscriptions) and MANAGEMENT not in subscriptions
    for env in environments:
        backend = parse_hcl(tree(label)[f"environments/{env['name']}.backend.hcl"])
        assert unquote(backend["subscription_id"]) == MANAGEMENT
        assert unquote(backend["container_name"]) == f"tfstate-{env['name']}"
        tfvars = parse_hcl(tree(label)[f"environments/{env['name']}.tfvars"])
        assert unquote(tfvars["subscription_id"]) == env["subscription_id"]
    bootstrap = parse_hcl(tree(label)["bootstrap/terraform.tfvars"])
    assert unquote(bootstrap["state_subscription_id"]) == MANAGEMENT


@combos
def test_ci_identities_reach_only_their_own_state_container_in_management(label: str) -> None:
    """In bootstrap/ci.tf (the management subscription) a CI identity's only role is on
    azurerm_storage_container.state[<its environment>]."""
    for path, name, body in role_assignments(label):
        if path != "bootstrap/ci.tf":
            continue
        assert is_ci(body), name
        assert body["scope"] == "${azurerm_storage_container.state[each.key].id}", name
        assert principal(body).endswith("[each.key].principal_id}"), name
        assert "for_each" in body and "condition" not in body, name
    for path, name, body in role_assignments(label):
        if path == "bootstrap/main.tf":
            assert not is_ci(body), f"{name}: a CI identity holds a role on the state account"


# secrets: sops (bootstrap/modules/environment/sops.tf): the operator administers the keys-only
# SOPS vault's resource group; the deploy identity may only use the SOPS key.
SOPS_ROLES = {
    "sops_admin": ("${azurerm_resource_group.sops.id}", "Key Vault Crypto Officer"),
    "deploy_sops": (
        "${azurerm_key_vault_key.sops.resource_versionless_id}",
        "Key Vault Crypto User",
    ),
}


@combos
def test_environment_roles_are_on_the_resource_group_or_read_only(label: str) -> None:
    for path, name, body in role_assignments(label):
        if not path.startswith("bootstrap/modules/environment/"):
            continue
        role = unquote(body.get("role_definition_name", "custom"))
        scope = unquote(body["scope"])
        if name == "aks_kubelet_operator":  # runtime to runtime: the control plane, one identity
            assert (role, principal(body)) == ("Managed Identity Operator",
                    '${azurerm_user_assigned_identity.runtime["aks"].principal_id}')  # fmt: skip
            continue
        if name == "deploy_dns":  # the records of the environment's own zone only
            assert (scope, role) == ("${azurerm_dns_zone.this[0].id}", "DNS Zone Contributor")
            continue
        if name in SOPS_ROLES:  # secrets: sops, the keys-only vault of the environment's SOPS key
            assert (scope, role) == SOPS_ROLES[name], name
            continue
        if scope != "${azurerm_resource_group.this.id}":
            # Subscription-wide: reads only.
            assert scope == "/subscriptions/${var.subscription_id}", name
            assert role == "Reader", name
        assert role not in {"Owner", "User Access Administrator"}, name


# --- 2. no CI identity can raise its own privileges or reach another environment --------------


@combos
def test_role_assignment_writes_are_conditioned_on_roles_and_runtime_principals(label: str) -> None:
    module = tree(label)["bootstrap/modules/environment/main.tf"]
    found = 0
    for _, name, body in role_assignments(label):
        if (
            unquote(body.get("role_definition_name", ""))
            != "Role Based Access Control Administrator"
        ):
            continue
        found += 1
        assert body["condition"] == "${local.assignment_condition}", name
        assert unquote(body["condition_version"]) == "2.0"
    if answers(label)["ci"] != "none" and answers(label)["compute"] != "static-site":
        assert found == 1
    condition = module.split("assignment_condition  = <<-EOT", 1)[1].split("EOT", 1)[0]
    for side in ("@Request", "@Resource"):
        assert f"{side}[Microsoft.Authorization/roleAssignments:RoleDefinitionId]" in condition
        assert f"{side}[Microsoft.Authorization/roleAssignments:PrincipalId]" in condition
    assert "${local.runtime_principal_ids}" in condition
    # The principals are the runtime identities bootstrap creates, never a CI identity.
    (ids_line,) = [line for line in module.splitlines() if "runtime_principal_ids =" in line]
    assert "azurerm_user_assigned_identity.runtime[key].principal_id" in ids_line
    assert "deploy" not in ids_line and "plan" not in ids_line


@combos
def test_grantable_roles_cannot_escalate(label: str) -> None:
    environments = parse_hcl(tree(label)["bootstrap/environments.tf"])
    (local_block,) = environments["locals"]
    grantable = {unquote(key) for key in local_block["assignable_roles"]}
    assert grantable and not grantable & ESCALATING_ROLES - {"Key Vault Secrets User"}
    # Key Vault Secrets User is grantable, but only to the runtime identities (the condition).
    runtime = {unquote(k) for k in local_block["runtime_identities"]}
    compute = answers(label)["compute"]
    assert runtime == ({"app", "aks", "kubelet"} if compute == "kubernetes"
                       else set() if compute == "static-site" else {"app"})  # fmt: skip


@combos
def test_federated_credentials_exist_on_ci_identities_only(label: str) -> None:
    credentials = list(resources(label, "bootstrap/", "azurerm_federated_identity_credential"))
    for path, name, body in credentials:
        # Without a CI system, both maps are empty: no identity, no credential.
        assert body["for_each"] in ("${local.ci_environments}", "${local.plan_subjects}",
                                    "${local.deploy_immutable_subjects}",
                                    "${local.plan_immutable_subjects}"), name  # fmt: skip
        assert path == "bootstrap/ci.tf", name
        assert re.fullmatch(r"\$\{azurerm_user_assigned_identity\.(deploy|plan)\[.*\]\.id\}",
                            body["parent_id"]), name  # fmt: skip
        assert [unquote(a) for a in body["audience"]] == ["${local.audience}"]
    # The runtime identities are never federated with a CI system (AKS workload identity only).
    for _path, name, body in resources(label, "modules/", "azurerm_federated_identity_credential"):
        assert body["issuer"] == "${azurerm_kubernetes_cluster.this.oidc_issuer_url}", name
    # vault/ is the team's Vault's JWT auth for the CI's tokens (secrets: vault), not Azure's.
    root = "".join(text for path, text in tree(label).items() if path.endswith(".tf")
                   and not path.startswith(("bootstrap/", "vault/")))  # fmt: skip
    assert "token.actions.githubusercontent.com" not in root


# --- 3. plan identities are read-only and secret-free ------------------------------------------


@combos
def test_plan_identity_roles_read_without_secrets(label: str) -> None:
    custom = 0
    for path, name, body in role_assignments(label):
        if "plan" not in principal(body):
            continue
        role = unquote(body.get("role_definition_name", ""))
        if role:
            assert role in PLAN_ROLES, f"{path}: {name} gives the plan identity {role}"
        else:
            custom += 1
            assert (
                body["role_definition_id"]
                == "${azurerm_role_definition.plan[0].role_definition_resource_id}"
            )
    for _, name, body in resources(label, "bootstrap/", "azurerm_role_definition"):
        (permissions,) = body["permissions"]
        if name == "plan":
            actions = [unquote(a) for a in permissions["actions"]]
            assert actions and not [a for a in actions if SECRET_ACTIONS.search(a)], actions
            assert "data_actions" not in permissions
    assert custom == 1  # count = var.ci_enabled ? 1 : 0


@combos
def test_plans_need_no_state_write(label: str) -> None:
    """The plan identity reads its state; the backend's first write (an empty state) is done by
    bootstrap for every stack; the lock is not taken (a lease is a blob write)."""
    main = tree(label)["bootstrap/main.tf"]
    assert 'resource "azurerm_storage_blob" "empty_state"' in main
    stacks = parse_hcl(tree(label)["bootstrap/terraform.tfvars"])["stacks"]
    assert [unquote(s) for s in stacks] == (
        [".", "addons"] if answers(label)["compute"] == "kubernetes" else ["."])  # fmt: skip
    ci = tree(label)["bootstrap/ci.tf"]
    assert "Plans run with -lock=false" in ci


@combos
def test_no_stack_reads_a_cluster_token_at_plan_time(label: str) -> None:
    terraform = {p: t for p, t in tree(label).items() if p.endswith(".tf")}
    for path, text in terraform.items():
        assert "access_token" not in text and "kube_admin_config" not in text, path
        if 'provider "helm"' in text or 'provider "kubernetes"' in text:
            assert path == "addons/providers.tf", path
            assert 'command     = "kubelogin"' in text and "token =" not in text
    assert ("addons/main.tf" in terraform) == (answers(label)["compute"] == "kubernetes")


# --- 4. deploy identities are bound to environment and branch ----------------------------------


@combos
def test_deploy_subjects_name_the_environment_and_pr_plans_skip_protected(label: str) -> None:
    ci = tree(label)["bootstrap/ci.tf"]
    assert "ci_environments = local.ci_enabled ? local.environments : {}" in ci
    if answers(label)["ci"] == "none":
        tfvars = parse_hcl(tree(label)["bootstrap/terraform.tfvars"])
        assert unquote(tfvars["ci_provider"]) == "none"
        return
    assert '"repo:${var.repository}:environment:${name}"' in ci
    assert 'local.github && !env.protected ? {\n        "${name}/pull-request"' in ci
    tfvars = parse_hcl(tree(label)["bootstrap/terraform.tfvars"])
    protected = {unquote(env["name"]): env["protected"] for env in tfvars["environments"]}
    assert protected == {env["name"]: env["protected"] for env in answers(label)["environments"]}
    assert unquote(tfvars["repository"]) == answers(label)["repository"]
    if answers(label)["ci"] == "gitlab-ci":
        # Entra ID cannot bind a GitLab token to its environment: the branch binds it, and what
        # is left open is written down.
        assert (
            "GitLab: the deploy identities are bound to a branch"
            in tree(label)["docs/azure-layout.md"]
        )


GITLAB = [label for label in COMBOS if answers(label)["ci"] == "gitlab-ci"]


def job_rules(jobs: Doc, name: str) -> list[Doc]:
    """The rules of GitLab job `name`: its own, else the last template it extends that has some."""
    job = jobs[name]
    if "rules" in job:
        return list(job["rules"])
    parents = job.get("extends", [])
    for parent in reversed([parents] if isinstance(parents, str) else parents):
        if rules := job_rules(jobs, parent):
            return rules
    return []


@pytest.mark.parametrize("label", GITLAB)
def test_gitlab_deploy_identities_bind_what_entra_can_and_state_the_rest(label: str) -> None:
    # What Entra ID can match: azurerm's credential has `subject` only (exact sub); flexible
    # claims matching is azuread-only, on app registrations. If azurerm grows it, use it here.
    schema = provider_schema("azurerm")["resources"]["azurerm_federated_identity_credential"]
    assert schema["subject"] == {"optional": False} and "claims_matching_expression" not in schema
    ci = tree(label)["bootstrap/ci.tf"]
    deploy = ci.split("deploy_subjects = {")[1].split("\n  }\n")[0]
    assert deploy.count(': "${local.gitlab_subject}${local.gitlab_deploy_branches[name]}"') == 1
    assert (
        '"project_path:${var.repository}:ref_type:branch:ref:"' in ci
        and 'env.protected ? "${var.gitlab_deploy_branch_prefix}${name}" : var.default_branch' in ci
    )
    environments = [env["name"] for env in answers(label)["environments"]]
    # Per-environment jobs: each job of environment E is E's own (TF_ENV) and runs on E's deploy
    # branch only (the default branch, or deploy/E when E is protected), never in merge request
    # or other-branch pipelines.
    protected = {env["name"]: env["protected"] for env in answers(label)["environments"]}
    jobs = yaml.safe_load(tree(label)[".gitlab-ci.yml"])
    gated = {
        name: job
        for name, job in jobs.items()
        if isinstance(job, dict)
        and "environment" in job
        # the pack update's push job: its environment only scopes its git token; no ID token
        and name != "infrascaffold-propose"
    }
    assert "id_tokens" not in jobs["infrascaffold-propose"]
    assert {name.split(":")[0] for name in gated} == {"apply", "deploy", "rollback"}
    for name, job in gated.items():
        assert job["environment"]["name"] == job["variables"]["TF_ENV"] == name.split(":")[1]
        live = [rule for rule in job_rules(jobs, name) if rule.get("when") != "never"]
        env = name.split(":")[1]
        branch = (
            f'$CI_COMMIT_BRANCH == "deploy/{env}"'
            if protected[env]
            else ("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
        )
        assert live and all(
            rule["if"].endswith(f"&& {branch}") and "||" not in rule["if"] for rule in live
        ), name
        assert "merge_request_event" not in str(live)
    assert {name.split(":")[1] for name in gated} == set(environments)
    # The residual gap, precisely: which identity trusts which branch, why, and what is left.
    project = answers(label)["project_name"]
    for path in ("docs/SECURITY.md", "docs/azure-layout.md"):
        # The md filter escapes underscores, inside code spans too.
        gap = tree(label)[path].split("**GitLab: the deploy identities are bound to a branch")[1]
        gap = gap.replace("\\_", "_")
        for env in environments:
            expected = f"`{project}-{env}-ci` ← `deploy/{env}`"
            if not protected[env]:
                expected = f"`{project}-{env}-ci`"
            assert expected in gap.split("Why")[0], (path, env)
        for fact in ("`environment`, `environment_protected` and `ref_protected`",
                     "`ci_id_token_sub_claim_components`", "`claimsMatchingExpression`",
                     "`azuread_application_flexible_federated_identity_credential`",
                     "the protected environment's approvals gate only the jobs that declare it",
                     "`apply:<env>`, `deploy:<env>` and `rollback:<env>`",
                     "only Maintainers merge into", "Code Owners"):  # fmt: skip
            assert fact in gap, (path, fact)


# --- 5. plans and state never expose secrets ---------------------------------------------------


@combos
def test_generated_secrets_are_write_only(label: str) -> None:
    for _path, name, body in resources(label, "modules/", "azurerm_key_vault_secret"):
        assert "value" not in body and "value_wo" in body and "value_wo_version" in body, name
    for _path, name, body in resources(label, "modules/", "azurerm_mysql_flexible_server"):
        assert "administrator_password" not in body, name
        assert body["administrator_password_wo"] == "${ephemeral.random_password.mysql.result}"
    for path, text in tree(label).items():
        assert 'resource "random_password"' not in text, path


@combos
def test_redis_takes_entra_id_tokens_and_no_key_reaches_state_or_plan(label: str) -> None:
    """Access keys off: azurerm's Managed Redis read calls listKeys only when they are on
    (internal/services/managedredis, Read), so no key is in the state a plan identity reads;
    the application's identity is the one principal with the access policy."""
    if answers(label).get("cache") != "redis" or answers(label)["compute"] == "static-site":
        assert "modules/cache/main.tf" not in tree(label)
        return
    ((_, _, cache_body),) = resources(label, "modules/cache/", "azurerm_managed_redis")
    assert cache_body["default_database"][0]["access_keys_authentication_enabled"] is False
    everything = "\n".join(text for path, text in tree(label).items() if path.endswith(".tf"))
    assert "default_database[0].primary_access_key" not in everything
    assert "secondary_access_key" not in everything
    assert not list(resources(label, "modules/cache/", "azurerm_key_vault_secret"))
    ((_, _, access),) = resources(label, "modules/cache/", "azapi_resource")
    kind = "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-04-01"
    assert unquote(access["type"]) == kind
    assert unquote(access["parent_id"]) == "${azurerm_managed_redis.this.id}/databases/default"
    properties = access["body"]["properties"]
    assert unquote(properties["accessPolicyName"]) == "default"
    assert unquote(properties["user"]["objectId"]) == "${var.app_principal_id}"
    root = parse_hcl(tree(label)["main.tf"])
    (call,) = [body for (name,), body in labelled(root["module"], 1) if name == "cache"]
    assert unquote(call["app_principal_id"]) == (
        "${data.azurerm_user_assigned_identity.app.principal_id}"
    )
    assert "key_vault_id" not in call
    outputs = parse_hcl(tree(label)["modules/cache/outputs.tf"])
    (secrets,) = [body for (name,), body in labelled(outputs["output"], 1) if name == "app_secrets"]
    assert secrets["value"] == {}


# --- 6. supply chain (the Azure steps) ---------------------------------------------------------


@combos
def test_deploy_steps_fail_closed_and_import_with_credentials(label: str) -> None:
    pipelines = "\n".join(text for path, text in tree(label).items()
                          if path.startswith((".github/", ".gitlab")))  # fmt: skip
    assert "az graph" not in pipelines and "az extension add" not in pipelines
    if "az acr import" in pipelines:
        assert '--username "$registry_username" --password "$registry_password"' in pipelines
    if "firing_alerts" in pipelines:
        assert "/alerts?api-version=2019-05-05-preview&$alerts_filter" in pipelines
        assert "stopping the promotion" in pipelines


# --- 7. protected environments are production --------------------------------------------------


@combos
def test_every_key_vault_denies_by_default_and_no_ci_job_needs_its_data_plane(label: str) -> None:
    """Deny in every environment, not only protected ones: Terraform writes no Key Vault secret and
    no CI identity holds a Key Vault data role that reads. With `secrets: cloud` hosted runners
    never reach the vault; with sops or vault the deploy identity may only set secrets (a custom
    role without getSecret, for the deploy's put) and, for sops, use the environment's SOPS key."""
    if answers(label)["compute"] != "static-site":
        ((_, _, vault),) = resources(label, "modules/key-vault/", "azurerm_key_vault")
        assert unquote(vault["network_acls"][0]["default_action"]) == "Deny"
        assert "deny_public_network" not in tree(label)["main.tf"]
    assert not list(resources(label, "modules/", "azurerm_key_vault_secret"))
    assert not list(resources(label, "", "azurerm_key_vault_secret"))
    for _path, name, body in role_assignments(label):
        role = str(body.get("role_definition_name", ""))
        assert "Key Vault" not in role or name in SOPS_ROLES, name
    module = tree(label)["bootstrap/modules/environment/main.tf"]
    assert "Key Vault Secrets Officer" not in module and "writes_secrets" not in module
    writers = list(resources(label, "bootstrap/", "azurerm_role_definition"))
    for _path, name, body in writers:
        actions = [
            unquote(a) for p in body.get("permissions", []) for a in p.get("data_actions", [])
        ]
        if any("KeyVault" in a for a in actions):
            assert answers(label).get("secrets", "cloud") != "cloud", name
            assert sorted(actions) == [
                "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
                "Microsoft.KeyVault/vaults/secrets/setSecret/action",
            ], name


@combos
def test_protected_environments_notify(label: str) -> None:
    for env in answers(label)["environments"]:
        tfvars = parse_hcl(tree(label)[f"environments/{env['name']}.tfvars"])
        assert unquote(tfvars["alert_email"]) == BASE["alert_email"]
    observability = tree(label)["modules/observability/main.tf"]
    assert 'dynamic "email_receiver"' in observability


@combos
def test_the_application_is_no_database_administrator(label: str) -> None:
    """PostgreSQL: no Entra ID administrator resource (the app's identity was one); MySQL: the
    administrator's password is write-only and kept nowhere, the app has a user of its own. Both
    get their database privileges from the runbook's one-time grants, run in the network."""
    chosen = answers(label)
    engine = chosen.get("database", "none")
    if chosen["compute"] == "static-site" or engine == "none":
        assert "modules/database/main.tf" not in tree(label)
        return
    everything = "\n".join(text for path, text in tree(label).items() if path.endswith(".tf"))
    assert "azurerm_postgresql_flexible_server_active_directory_administrator" not in everything
    assert "azurerm_mysql_flexible_server_active_directory_administrator" not in everything
    engine_file = tree(label)[f"modules/database/{engine}.tf"]
    outputs = parse_hcl(tree(label)["modules/database/outputs.tf"])
    (secrets,) = [body for (name,), body in labelled(outputs["output"], 1) if name == "app_secrets"]
    assert secrets["value"] == {}
    if engine == "postgres":
        assert "database_user      = var.app_identity_name" in engine_file
        assert "password_auth_enabled         = false" in engine_file
    else:
        ((_, _, server),) = resources(label, "modules/database/", "azurerm_mysql_flexible_server")
        assert unquote(server["administrator_login"]) == "${local.admin_login}"
        assert 'admin_login   = "dbadmin"' in engine_file and 'database_user = "app"' in engine_file
        assert '"${var.key_vault_uri}secrets/database-password"' in engine_file
    root_outputs = {
        name for (name,), _ in labelled(parse_hcl(tree(label)["outputs.tf"])["output"], 1)
    }
    assert {
        "database_server_name",
        "database_fqdn",
        "database_name",
        "database_user",
    } <= root_outputs
    runbook = tree(label)["docs/runbooks/create-environment.md"]
    grants = runbook[runbook.index("### Give the application its database") :]
    assert 'DB_USER="$(terraform output -raw database_user)"' in grants
    if engine == "postgres":
        assert "pgaadauth_create_principal(:'app', false, false)" in grants
        assert 'GRANT USAGE, CREATE ON SCHEMA public TO :"app";' in grants
        assert "microsoft-entra-admin create" in grants and "microsoft-entra-admin delete" in grants
    else:
        assert "GRANT ALL PRIVILEGES ON \\`${DB_NAME}\\`.* TO '${DB_USER}'@'%';" in grants
        assert "--name database-password --file /dev/stdin" in grants
        assert grants.count("--admin-password") == 2
    deploy = tree(label)["docs/runbooks/deploy.md"]
    assert "## First deploy of an environment" in deploy and "(create-environment.md)" in deploy


@combos
def test_the_function_storage_account_denies_by_default_and_terraform_stays_on_arm(
    label: str,
) -> None:
    """The Functions host's storage admits the workload subnet and its private endpoints only;
    Terraform never calls its data plane (provider storage.data_plane_available = false, from
    azurerm 4.9, #27819; the container and content shares are created by storage_account_id),
    so plan and apply from hosted runners keep working after the firewall closes."""
    if answers(label)["compute"] != "serverless":
        assert "data_plane_available" not in tree(label)["providers.tf"]
        return
    prefix = "modules/function-app/"
    accounts = {name: body for _, name, body in resources(label, prefix, "azurerm_storage_account")}
    account = accounts["this"]
    rules = account["network_rules"][0]
    assert unquote(rules["default_action"]) == "Deny"
    assert rules["virtual_network_subnet_ids"] == ["${var.subnet_id}"]
    assert rules["ip_rules"] == "${var.allowed_ip_ranges}"
    providers = parse_hcl(tree(label)["providers.tf"])
    (azurerm,) = [body for block in providers["provider"] for name, body in block.items()
                  if unquote(name) == "azurerm"]  # fmt: skip
    features = azurerm["features"][0]
    assert features["storage"][0]["data_plane_available"] is False
    versions = parse_hcl(tree(label)["versions.tf"])["terraform"][0]["required_providers"][0]
    assert unquote(versions["azurerm"]["version"]) == "~> 4.9"
    for kind in ("azurerm_storage_container", "azurerm_storage_share"):
        for _path, name, body in resources(label, prefix, kind):
            owner = "packages" if name == "packages" else "this"
            assert body["storage_account_id"] == f"${{azurerm_storage_account.{owner}.id}}", name
            assert "storage_account_name" not in body, name
    # One private endpoint per storage service the plan uses, in the endpoints subnet,
    # registered in its privatelink zone linked to the VNet; the app waits for them.
    ((_, _, endpoint),) = resources(label, prefix, "azurerm_private_endpoint")
    assert endpoint["subnet_id"] == "${var.private_endpoint_subnet_id}"
    connection = endpoint["private_service_connection"][0]
    assert connection["subresource_names"] == ["${each.key}"]
    ((_, _, zone),) = resources(label, prefix, "azurerm_private_dns_zone")
    assert unquote(zone["name"]) == "privatelink.${each.value}.core.windows.net"
    flex = answers(label)["deploy_strategy"] == "rolling"
    plan = tree(label)[prefix + ("flex.tf" if flex else "premium.tf")]
    services = '["blob", "queue", "table"]' if flex else '["blob", "queue", "table", "file"]'
    assert f"storage_services = {services}" in plan
    assert "azurerm_private_endpoint.storage" in plan
    if flex:
        # The Functions platform uploads Flex Consumption packages from outside the VNet, which
        # the host account's firewall refuses (BlobUploadFailedException): the packages have an
        # account of their own, Entra-only, that the app's identity writes.
        assert set(accounts) == {"this", "packages"}
        packages = accounts["packages"]
        assert packages["shared_access_key_enabled"] is False
        assert packages["default_to_oauth_authentication"] is True
        assert packages["allow_nested_items_to_be_public"] is False
        assert "azurerm_storage_account.packages.primary_blob_endpoint" in plan
        assert "azurerm_storage_account.this.primary_blob_endpoint" not in plan
        ((_, _, grant),) = [r for r in resources(label, prefix, "azurerm_role_assignment")
                            if r[1] == "packages"]  # fmt: skip
        assert unquote(grant["role_definition_name"]) == "Storage Blob Data Contributor"
        assert grant["principal_id"] == "${var.identity_principal_id}"
    else:
        assert set(accounts) == {"this"}
    app = parse_hcl(tree(label)["app.tf"])
    calls = {unquote(name): body for block in app["module"] for name, body in block.items()}
    assert calls["app"]["private_endpoint_subnet_id"] == "${module.network.endpoints_subnet_id}"
    if not flex:
        # Elastic Premium: each slot's content share exists before the slot (the platform
        # cannot create it through the firewall).
        shares = [name for _, name, _ in resources(label, prefix, "azurerm_storage_share")]
        assert shares == ["content"]
        assert 'WEBSITE_CONTENTSHARE    = azurerm_storage_share.content["production"].name' in plan
        assert 'WEBSITE_CONTENTSHARE    = azurerm_storage_share.content["staging"].name' in plan


@combos
def test_a_contributor_cannot_turn_a_key_vault_to_access_policies(label: str) -> None:
    """The deploy identity is Contributor on its resource group; a Contributor may switch a vault
    to access policies and grant itself one (Microsoft Learn, "Azure RBAC vs. access policies").
    The built-in policy 12d4fa5e-… ("Azure Key Vault should use RBAC permission model", effects
    Audit, Deny, Disabled) assigned with Deny on the resource group refuses it."""
    ((_, _, body),) = [
        r
        for r in resources(
            label, "bootstrap/modules/environment/", "azurerm_resource_group_policy_assignment"
        )
        if r[1] == "key_vault_rbac"
    ]
    assert unquote(body["resource_group_id"]) == "${azurerm_resource_group.this.id}"
    assert unquote(body["policy_definition_id"]).endswith("/12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5")
    assert body["enforce"] is True
    assert '"Deny"' in str(body["parameters"])
