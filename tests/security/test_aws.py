"""Principles 1-7 of the security model (issue 16), asserted on every AWS render of the matrix.

The matrix is the pairwise cover `template lint` uses (infrascaffold/answers/matrix.py) with the
cloud fixed to AWS, over three environments whose names share a prefix (prod, prod-dr): the
policies are read from the parsed render and their `${...}` references resolved from its tfvars.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

import pytest

from infrascaffold.answers.matrix import matrix_questions, pairwise_sets, sample_answers
from infrascaffold.pack.manifest import load_pack
from tests.builders import render_answers
from tests.terraform_checks import labelled, parse_hcl, unquote

ENVIRONMENTS = [
    {"name": "dev", "region": "eu-west-1", "cidr": "10.1.0.0/16", "size": "small",
     "account_id": "111111111111", "protected": False},
    {"name": "prod", "region": "eu-west-1", "cidr": "10.2.0.0/16", "size": "large",
     "account_id": "222222222222", "protected": True, "runner": "prod-network"},
    {"name": "prod-dr", "region": "eu-central-1", "cidr": "10.3.0.0/16", "size": "large",
     "account_id": "333333333333", "protected": True, "runner": "prod-dr-network"},
]  # fmt: skip
BASE = {"project_name": "shop", "owner": "platform-team", "cloud": "aws",
        "repository": "acme/shop-infra", "domain": "shop.example.com",
        "alert_email": "ops@example.com", "aws_state_account_id": "999999999999",
        "environments": ENVIRONMENTS}  # fmt: skip
SECRET_READS = ("secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
                "ssm:GetParameter", "kms:Decrypt")  # fmt: skip
IAM_WRITE = re.compile(
    r"^iam:(Add|Attach|Create|Delete|Detach|PassRole|Put|Remove|Set|Tag|Untag|Update|Upload)"
)
MODULE = "bootstrap/modules/environment-account/main.tf"


def _matrix() -> dict[str, dict[str, Any]]:
    pack = load_pack("platform")
    fixed = {**pack.fixed, "cloud": "aws"}
    sets = pairwise_sets(matrix_questions(pack.questions, fixed), 24, fixed)
    combos = {}
    for chosen in sets:
        answers = {**sample_answers(pack.questions), **BASE, **chosen}
        label = "-".join(str(value) for value in chosen.values())
        combos[label] = answers
    return combos


MATRIX = _matrix()
combos = pytest.mark.parametrize("combo", list(MATRIX))


@cache
def render(combo: str) -> dict[str, str]:
    return dict(render_answers(MATRIX[combo]))


def doc(combo: str, path: str) -> dict[str, Any]:
    return parse_hcl(render(combo)[path])


def policy_statements(combo: str, path: str, name: str) -> list[dict[str, Any]]:
    """The statements (and dynamic statement contents) of `data "aws_iam_policy_document" name`."""
    for labels, body in labelled(doc(combo, path).get("data"), 2):
        if labels == ("aws_iam_policy_document", name):
            found = list(body.get("statement", []))
            for dynamic in body.get("dynamic", []):
                for block in dynamic.values():
                    found += block.get("content", [])
            return found
    raise AssertionError(f"{path}: no policy document {name}")


def via_lambda(statement: dict[str, Any], test: str) -> bool:
    """Whether the statement's one condition is `test` on kms:ViaService = Lambda's endpoints."""
    conditions = statement.get("condition", [])
    return len(conditions) == 1 and (
        unquote(conditions[0]["test"]),
        unquote(conditions[0]["variable"]),
        [unquote(v) for v in conditions[0]["values"]],
    ) == (test, "kms:ViaService", ["lambda.*.amazonaws.com"])


def effect(statement: dict[str, Any]) -> str:
    """Allow or Deny (python-hcl2 keeps the quotes)."""
    return str(unquote(statement.get("effect", "Allow")))


def actions_of(statement: dict[str, Any], module_text: str) -> list[str]:
    """A statement's actions; `[for service in X : "${service}:*"]` resolves to `<X>:*`."""
    raw = statement.get("actions", [])
    if isinstance(raw, str):
        return [raw]
    return [unquote(action) for action in raw]


def resolve(value: str, env: dict[str, Any], tfvars: dict[str, Any]) -> str:
    """`value` with the references a role or resource pattern uses resolved for `env`."""
    known = {
        "local.partition": "aws", "local.account_id": env["account_id"],
        "var.runtime_role_path": unquote(tfvars["runtime_role_path"]),
        "var.project_name": "shop", "var.environment": env["name"],
    }  # fmt: skip
    return re.sub(r"\$\{([a-z_.]+)\}", lambda m: known.get(m.group(1), m.group(0)), value)


def ci_role_arns() -> list[str]:
    return [f"arn:aws:iam::{env['account_id']}:role/shop-{env['name']}-ci-{kind}"
            for env in ENVIRONMENTS for kind in ("plan", "deploy")]  # fmt: skip


def module_local(combo: str, name: str) -> Any:
    for block in doc(combo, MODULE).get("locals", []):
        if name in block:
            return block[name]
    raise AssertionError(f"no local {name}")


# --- 1. one isolation boundary per environment ---------------------------------------------------


@combos
def test_each_environment_has_its_own_account_and_state_prefix(combo: str) -> None:
    states = {unquote(doc(combo, "bootstrap/terraform.tfvars")["state_account_id"])}
    accounts = set()
    for env in ENVIRONMENTS:
        tfvars = doc(combo, f"environments/{env['name']}.tfvars")
        backend = doc(combo, f"environments/{env['name']}.backend.hcl")
        accounts.add(unquote(tfvars["account_id"]))
        assert unquote(backend["key"]).startswith(f"{env['name']}/")
        assert unquote(backend["workspace_key_prefix"]).startswith(f"{env['name']}/")
    assert len(accounts) == len(ENVIRONMENTS) and not accounts & states
    assert "allowed_account_ids = [var.account_id]" in render(combo)["providers.tf"]
    bootstrap = render(combo)["bootstrap/providers.tf"]
    for env in ENVIRONMENTS:
        assert f'allowed_account_ids = ["{env["account_id"]}"]' in bootstrap


@combos
def test_state_bucket_and_key_grant_each_environment_its_prefix_only(combo: str) -> None:
    main = render(combo)["bootstrap/main.tf"]
    for name in ("state_access", "state_key"):
        for statement in policy_statements(combo, "bootstrap/main.tf", name):
            if effect(statement) == "Deny":
                continue
            text = str(statement.get("resources", [])) + str(statement.get("condition", []))
            granted_to_environment = "statement.key" in str(statement.get("principals", [])) or (
                "local.state_" in str(statement.get("principals", []))
            )
            if granted_to_environment:
                # "<env>/" with the slash: prod's pattern never matches prod-dr's objects.
                assert "${statement.key}/" in text, statement
    assert "bucket_key_enabled = false" in main  # the object ARN is the key's encryption context


# --- 2. no CI identity can raise its own privileges ----------------------------------------------


@combos
def test_no_ci_policy_grants_an_iam_write_on_a_ci_identity(combo: str) -> None:
    text = "\n".join(render(combo).values())
    assert "PowerUserAccess" not in text and "AdministratorAccess" not in text
    tfvars = doc(combo, "bootstrap/terraform.tfvars")
    patterns = [unquote(module_local(combo, "runtime_role_arns"))]
    for name in ("deploy", "plan"):
        for statement in policy_statements(combo, MODULE, name):
            writes = [a for a in actions_of(statement, "") if IAM_WRITE.match(a)]
            if not writes or effect(statement) == "Deny":
                continue
            for resource in statement["resources"]:
                resource = unquote(resource)
                if resource == "${local.runtime_role_arns}":
                    resource = patterns[0]
                for env in ENVIRONMENTS:
                    concrete = resolve(resource, env, tfvars)
                    assert "${" not in concrete, concrete
                    hits = [arn for arn in ci_role_arns() if fnmatchcase(arn, concrete)]
                    assert not hits, f"{name}: {writes} on {concrete} covers {hits}"


@combos
def test_role_writes_require_the_runtime_boundary(combo: str) -> None:
    for statement in policy_statements(combo, MODULE, "deploy"):
        actions = actions_of(statement, "")
        if {"iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"} & set(actions):
            conditions = statement["condition"]
            assert any(unquote(c["variable"]) == "iam:PermissionsBoundary" for c in conditions)
        assert "iam:DeleteRolePermissionsBoundary" not in actions
    denies = [s for s in policy_statements(combo, MODULE, "deploy") if effect(s) == "Deny"]
    writes = [unquote(action) for action in module_local(combo, "iam_write_actions")]
    assert {"iam:Create*", "iam:Attach*", "iam:Put*", "iam:PassRole"} <= set(writes)
    assert any(
        s["actions"] == "${local.iam_write_actions}" and "not_resources" in s for s in denies
    )
    for path, text in render(combo).items():
        if path.startswith("modules/") and path.endswith("main.tf"):
            for labels, body in labelled(parse_hcl(text).get("resource"), 2):
                if labels[0] == "aws_iam_role":
                    assert body["permissions_boundary"] == "${var.permissions_boundary_arn}", path
                    assert body["path"] == "${var.iam_role_path}", path


# --- 3. plan identities are read-only and secret-free --------------------------------------------


@combos
def test_plan_role_reads_no_secret_and_writes_only_lock_files(combo: str) -> None:
    # No exemption anywhere: nothing the stacks manage makes a plan read a secret value (no
    # secret version, no random_password, no auth_token: the runbooks set them).
    assert "redis-auth" not in render(combo)["bootstrap/ci.tf"]
    for path, text in render(combo).items():
        if path.endswith(".tf"):
            for kind in ('resource "aws_secretsmanager_secret_version"', 'resource "random_',
                         "auth_token ", 'data "aws_secretsmanager_secret_version"'):  # fmt: skip
                assert kind not in text.replace("ignore_changes = [auth_token", ""), (path, kind)
    for statement in policy_statements(combo, MODULE, "plan"):
        actions = actions_of(statement, "")
        if effect(statement) == "Deny":
            continue
        secret_reads = [a for a in actions if a.startswith(SECRET_READS)]
        if secret_reads and statement.get("condition"):
            # Lambda's own decryption of a function's environment for the plan's refresh, and
            # nothing else: only through Lambda, never a direct Decrypt of a secret value.
            assert secret_reads == ["kms:Decrypt"] and via_lambda(statement, "StringLike")
        elif secret_reads:
            # kms:Decrypt of the state key only; no secret value at all.
            assert statement["resources"] == ["${var.state_kms_key_arn}"], statement
            assert secret_reads == ["kms:Decrypt"], statement
        if {"s3:PutObject", "s3:DeleteObject"} & set(actions):
            resources = statement["resources"]
            resources = [resources] if isinstance(resources, str) else resources
            assert all(str(r).endswith('.tflock"]}') or ".tflock" in r for r in resources)
        assert not [a for a in actions if IAM_WRITE.match(a)]
    denied = [a for s in policy_statements(combo, MODULE, "plan") if effect(s) == "Deny"
              for a in actions_of(s, "")]  # fmt: skip
    assert "kms:Decrypt" in denied
    decrypt_deny = [
        s for s in policy_statements(combo, MODULE, "plan")
        if effect(s) == "Deny" and actions_of(s, "") == ["kms:Decrypt"]
    ]  # fmt: skip
    assert len(decrypt_deny) == 1 and via_lambda(decrypt_deny[0], "StringNotLike")
    assert any(
        effect(st) == "Deny"
        and st["actions"] == "${local.secret_read_actions}"
        and [unquote(r) for r in st["resources"]] == ["*"]
        for st in policy_statements(combo, MODULE, "plan")
    )
    secret_local = [unquote(action) for action in module_local(combo, "secret_read_actions")]
    assert "secretsmanager:GetSecretValue" in secret_local
    if MATRIX[combo]["compute"] == "kubernetes":
        eks = render(combo)["modules/eks-cluster/main.tf"]
        cluster_scoped = eks.split('resource "aws_eks_access_policy_association" "viewer"')[1]
        cluster_scoped = cluster_scoped.split("resource ")[0]
        assert "AmazonEKSViewPolicy" in cluster_scoped and "AdminView" not in cluster_scoped


# --- 4. deploy identities are bound to their environment and branch -------------------------------


@combos
def test_trust_follows_the_oidc_subject_contract(combo: str) -> None:
    ci = MATRIX[combo]["ci"]
    text = render(combo)[MODULE]
    if ci == "github-actions":
        # every subject form (tests/platform_pack/test_oidc_subject.py evaluates them)
        assert 'github_prefixes = concat(\n    ["repo:${var.repository}"],' in text
        assert (
            "deploy_subjects = local.github ? "
            '[for prefix in local.github_prefixes : "${prefix}:environment:${var.environment}"]'
            in text
        )
        assert 'var.protected ? [] : ["${prefix}:pull_request"]' in text
    ci_tf = render(combo)["bootstrap/ci.tf"]
    for env in ENVIRONMENTS:
        block = ci_tf.split(f'module "account_{env["name"].replace("-", "_")}"')[1].split("\n}\n")[
            0
        ]
        assert re.search(rf'\n  environment +=  *"{env["name"]}"\n', block)
        assert re.search(rf"\n  protected +=  *{str(env['protected']).lower()}\n", block)
    if ci != "none":
        tfvars = doc(combo, "bootstrap/terraform.tfvars")
        assert unquote(tfvars["repository"]) == "acme/shop-infra"


# --- 6. supply chain: an existing OIDC provider can be reused -------------------------------------


@combos
def test_oidc_provider_follows_the_answer(combo: str) -> None:
    answers = MATRIX[combo]
    tfvars = doc(combo, "bootstrap/terraform.tfvars")
    if answers["ci"] == "none":
        assert "create_oidc_provider" not in tfvars
    else:
        assert tfvars["create_oidc_provider"] is (
            answers.get("aws_oidc_provider", "create") == "create"
        )


# --- 7. protected environments are production -----------------------------------------------------


@combos
def test_protected_environments_have_https_and_an_alarm_subscriber(combo: str) -> None:
    outputs = render(combo)["outputs.tf"]
    assert "http://" not in outputs
    variables = render(combo)["variables.tf"]
    assert '!var.protected || var.alert_email != ""' in variables
    for env in ENVIRONMENTS:
        tfvars = doc(combo, f"environments/{env['name']}.tfvars")
        assert unquote(tfvars["alert_email"]) == "ops@example.com"


def test_security_doc_lists_every_identity_from_the_same_data() -> None:
    from infrascaffold.templating.environment import make_environment

    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    template = env.get_template("partials/docs/aws/security-identities.md.j2")
    for combo in MATRIX:
        text = render(combo)
        tfvars = doc(combo, "bootstrap/terraform.tfvars")
        context = {**MATRIX[combo], "has_cache": MATRIX[combo].get("cache") == "redis"
                   and MATRIX[combo]["compute"] != "static-site",
                   "aws_state_bucket": unquote(tfvars["state_bucket_name"]),
                   "aws_state_kms_alias": "alias/shop-tfstate",
                   "aws_state_admin_role": unquote(tfvars["environment_admin_role_name"]),
                   "aws_ci_roles": {"plan": "-ci-plan", "deploy": "-ci-deploy"}, "image_services": [],
                   "aws_state_keys": {".": "terraform.tfstate", "addons": "addons/terraform.tfstate"},
                   "aws_runtime_role_path": unquote(tfvars["runtime_role_path"]),
                   "aws_runtime_boundary": unquote(tfvars["runtime_boundary_name"]),
                   "aws_deploy_services": [unquote(s) for s in tfvars["deploy_services"]],
                   "gitlab_deploy_branch_prefix": "deploy/",
                   "github_oidc_prefixes": ["repo:acme/shop-infra"]
                   if MATRIX[combo]["ci"] == "github-actions" else []}  # fmt: skip
        page = template.render(context)
        assert "999999999999" in page
        for env_ in ENVIRONMENTS:
            assert env_["account_id"] in page
            if MATRIX[combo]["ci"] != "none":
                assert f"shop-{env_['name']}-ci-plan" in page
                assert f"shop-{env_['name']}-ci-deploy" in page
        for service in tfvars["deploy_services"] if MATRIX[combo]["ci"] != "none" else []:
            assert unquote(service) in page
        assert "bootstrap/ci.tf" in text


def test_security_doc_names_the_trusted_subjects_as_code() -> None:
    from infrascaffold.templating.environment import make_environment

    pack = load_pack("platform")
    template = make_environment(pack.search_roots).get_template(
        "partials/docs/aws/security-identities.md.j2"
    )
    combo = next(c for c in MATRIX if MATRIX[c]["ci"] == "github-actions")
    context = {**MATRIX[combo], "has_cache": False, "aws_state_bucket": "b",
               "aws_state_kms_alias": "alias/k", "aws_runtime_role_path": "/shop/runtime/",
               "aws_state_admin_role": "OrganizationAccountAccessRole",
               "aws_ci_roles": {"plan": "-ci-plan", "deploy": "-ci-deploy"}, "image_services": [],
               "aws_state_keys": {".": "terraform.tfstate"},
               "aws_runtime_boundary": "shop-runtime-boundary", "aws_deploy_services": ["ec2"],
               "gitlab_deploy_branch_prefix": "deploy/",
               "github_oidc_prefixes": ["repo:acme/shop-infra"]}  # fmt: skip
    page = template.render(context)
    assert "`repo:acme/shop-infra:environment:prod` only" in page
    prod_plan = next(line for line in page.splitlines() if line.startswith("| `shop-prod-ci-plan`"))
    assert (
        "pull_request" not in prod_plan
        and "`repo:acme/shop-infra:ref:refs/heads/main`" in prod_plan
    )
    dev_plan = next(line for line in page.splitlines() if line.startswith("| `shop-dev-ci-plan`"))
    assert "`repo:acme/shop-infra:pull_request`" in dev_plan


@pytest.mark.parametrize("ci", ["github-actions", "none"])
def test_the_account_administrator_role_reaches_its_environments_state(ci: str) -> None:
    """With CI, the state policies named only the CI roles, so an administrator following the
    manual first apply or clearing a stale lock got AccessDenied (cross-account needs the bucket
    and key policies). Each environment's administrator role (the one bootstrap assumes) is a
    state writer of that environment's prefix; the CI roles' grants stay as they were."""
    answers = {**BASE, "compute": "containers", "ci": ci, "aws_state_admin_role": "PlatformAdmin"}
    if ci == "none":
        answers.pop("repository")
    files = dict(render_answers(answers))
    main = files["bootstrap/main.tf"]
    writers = main.split("  state_writers = {")[1].split("\n  }\n")[0]
    assert (
        'coalesce(account.deploy_role_arn, "arn:${local.partition}:iam::${account.account_id}:root")'
        in writers
    )
    assert (
        '"arn:${local.partition}:iam::${account.account_id}:role/${var.environment_admin_role_name}"'
        in writers
    )
    readers = main.split("  state_readers = {")[1].split("\n  }\n")[0]
    assert "compact([account.plan_role_arn])" in readers
    # The writers reach the key (its prefix's encryption context) and the bucket (prefix only).
    key = main.split('data "aws_iam_policy_document" "state_key" {')[1].split("\n}\n")[0]
    assert "concat(local.state_writers[statement.key], local.state_readers[statement.key])" in key
    access = main.split('data "aws_iam_policy_document" "state_access" {')[1].split("\n}\n")[0]
    assert "identifiers = local.state_writers[statement.key]" in access
    assert 'environment_admin_role_name = "PlatformAdmin"' in files["bootstrap/terraform.tfvars"]
    assert "role_arn = format(" in files["bootstrap/providers.tf"]
    assert "var.environment_admin_role_name)" in files["bootstrap/providers.tf"]
    security = files["docs/SECURITY.md"]
    if ci != "none":
        rows = [line for line in security.splitlines() if line.startswith("| `PlatformAdmin`")]
        assert len(rows) == len(ENVIRONMENTS) and all("state" in row for row in rows)
    else:
        assert "`PlatformAdmin`" in security
    assert "`PlatformAdmin`" in files["docs/runbooks/bootstrap.md"]
