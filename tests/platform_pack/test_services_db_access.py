"""Database access of the services other than the primary (issue 25), on GCP and Azure
containers: every http, worker and job service signs in to the database as its own identity,
with the primary's kind of access and nothing more, and the runbooks grant each one.

Facts pinned here:
- Cloud SQL (google_sql_user, Cloud SQL Admin API `SqlUserType`): a service account's user is
  `CLOUD_IAM_SERVICE_ACCOUNT`; "for PostgreSQL, omit the .gserviceaccount.com suffix", MySQL
  keeps the part before @ (hashicorp/terraform-provider-google#14019).
- Cloud SQL IAM authentication (cloud.google.com/sql/docs/*/add-manage-iam-users): the
  `roles/cloudsql.instanceUser` role is assigned to each service account individually; the
  connectors and Auth Proxy need `roles/cloudsql.client` (`cloudsql.instances.connect`, `.get`).
- Azure Database for PostgreSQL, Entra ID: a managed identity signs in as the role
  `pgaadauth_create_principal` creates under its name; azurerm has no resource for that role.
- Key Vault roles scoped to one secret fail in azurerm 4.55 (hashicorp/terraform-provider-azurerm
  #31300): Azure MySQL gives the other services no password of their own, and says so.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from tests.builders import example_answers, render_answers

API2 = {"name": "orders", "kind": "http", "path": "/orders", "runtime": "go", "version": "1.24",
        "port": 8090, "health_path": "/ready"}  # fmt: skip


def _answers(example: str, **changes: Any) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(example))
    answers.update(changes)
    return answers


@cache
def _render(example: str, database: str = "postgres", extra_http: bool = False) -> dict[str, str]:
    answers = _answers(example, database=database)
    if extra_http:
        answers["services"] = [*answers["services"], API2]
    return dict(render_answers(answers))


def _module(text: str, label: str) -> str:
    """The text of `module "label" { ... }` (up to the first closing brace at column 0)."""
    found = re.search(rf'^module "{re.escape(label)}" \{{\n(.*?)^\}}', text, re.M | re.S)
    assert found, f"no module {label}"
    return found.group(1)


# --- GCP --------------------------------------------------------------------------------------


def test_gcp_every_other_image_service_is_given_to_the_database_module() -> None:
    tree = _render("gcp-services", extra_http=True)
    database = _module(tree["main.tf"], "database")
    emails = dict(re.findall(r'^\s+"([\w-]+)"\s+= (module\.\S+)$', database, re.M))
    # http (cloud-run-service), worker (cloud-run-worker), job (cloud-run-job); not the static
    # front end, not the primary (app_service_account_email).
    assert emails == {
        "orders": "module.svc_orders.service_account_email",
        "worker": "module.svc_worker.service_account_email",
        "nightly": "module.svc_nightly.service_account_email",
    }
    assert "app_service_account_email = module.app.service_account_email" in database


def test_gcp_each_other_service_gets_its_own_connection_settings() -> None:
    tree = _render("gcp-services", extra_http=True)
    for name in ("orders", "worker", "nightly"):
        body = _module(tree["app.tf"], f"svc_{name}")
        assert f'environment = merge(module.database.service_environments["{name}"],' in body
    outputs = tree["modules/database/outputs.tf"]
    block = outputs[outputs.index('output "service_environments"') :]
    assert "DATABASE_USER = username" in block
    assert 'DATABASE_AUTH = "iam"' in block
    assert (
        "depends_on = [google_sql_user.service, google_project_iam_member.service_login]" in block
    )


def test_gcp_database_module_signs_each_service_in_as_its_own_iam_user() -> None:
    main = _render("gcp-services")["modules/database/main.tf"]
    user = main[main.index('resource "google_sql_user" "service"') :]
    user = user[: user.index("\n}\n")]
    assert "for_each = local.service_iam_users" in user
    assert 'type            = "CLOUD_IAM_SERVICE_ACCOUNT"' in user
    assert 'deletion_policy = "ABANDON"' in user  # PostgreSQL refuses to drop an owner
    # PostgreSQL drops .gserviceaccount.com; MySQL signs in with the part before @.
    assert 'trimsuffix(email, ".gserviceaccount.com") : email' in main
    assert 'split("@", email)[0]' in main
    # Exactly the primary's two roles, each bound to each service account individually.
    assert 'login_roles       = ["roles/cloudsql.instanceUser", "roles/cloudsql.client"]' in main
    login = main[main.index('resource "google_project_iam_member" "service_login"') :]
    login = login[: login.index("\n}\n")]
    assert "for_each = local.service_logins" in login
    assert 'member  = "serviceAccount:${var.service_account_emails[each.value.service]}"' in login
    assert "setproduct(keys(var.service_account_emails), local.login_roles)" in main


def test_gcp_runbook_grants_every_service_and_the_manual_text_is_gone() -> None:
    for database, grant in (("postgres", 'GRANT USAGE, CREATE ON SCHEMA public TO :"app";'),
                            ("mysql", "GRANT ALL PRIVILEGES ON")):  # fmt: skip
        tree = _render("gcp-services", database)
        runbook = tree["docs/runbooks/create-environment.md"]
        assert "terraform output -json database_service_users" in runbook
        assert "for DB_USER in ${DB_USERS}; do" in runbook
        assert grant in runbook
        assert "(`worker`, `nightly`)" in runbook
        layout = tree["docs/gcp-layout.md"]
        assert "signs in to the database" in layout
        assert "only the\nprimary service" not in layout
        assert 'output "database_service_users"' in tree["outputs.tf"]


def test_gcp_single_service_and_no_database_renders_add_nothing() -> None:
    single = dict(render_answers(example_answers("gcp-containers")))
    assert "service_account_emails" not in single["main.tf"]
    assert "database_service_users" not in single["outputs.tf"]
    runbook = single.get("docs/runbooks/create-environment.md", "")
    assert "DB_USERS" not in runbook
    none = dict(render_answers(_answers("gcp-services", database="none")))
    assert 'module "database"' not in none["main.tf"]
    assert "service_environments" not in none["app.tf"]


# --- Azure ------------------------------------------------------------------------------------


def test_azure_postgres_services_sign_in_as_their_own_identity() -> None:
    tree = _render("azure-services")
    services = tree["services.tf"]
    for name in ("worker", "nightly"):
        body = _module(services, f"svc_{name}")
        assert "environment = merge(module.database.app_environment, {" in body
        # The override comes after the application's settings: the service's own role.
        assert re.search(
            rf"DATABASE_USER\s+= data\.azurerm_user_assigned_identity\.service\[\"{name}\"\]\.name",
            body,
        )
    outputs = tree["outputs.tf"]
    assert 'output "database_service_users"' in outputs
    assert "identity.name }" in outputs
    runbook = tree["docs/runbooks/create-environment.md"]
    assert "terraform output -json database_service_users" in runbook
    loop = runbook[runbook.index("for DB_USER in ${DB_USERS}; do") :]
    loop = loop[: loop.index("\ndone\n")]
    assert "pgaadauth_create_principal(:'app', false, false)" in loop
    assert 'GRANT USAGE, CREATE ON SCHEMA public TO :"app";' in loop
    assert "No Key Vault or database access" not in services
    assert "Every other service signs in the" in tree["docs/SECURITY.md"]


def test_azure_mysql_services_each_sign_in_as_their_own_user() -> None:
    # Built since (azure-svc-secrets): each other service's MySQL user and its password in that
    # service's own vault (tests/platform_pack/test_services_azure_secrets.py has the details).
    tree = _render("azure-services", "mysql")
    assert "module.database.app_environment" in tree["services.tf"]
    assert "mysql_service_users" in tree["service-database.tf"]
    assert "The other services do not reach\nthe database" not in tree["docs/SECURITY.md"]
