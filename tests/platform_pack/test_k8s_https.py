"""AKS serves the application over HTTPS when the environment has a domain: the application
routing NGINX on a static address whose DNS record Terraform writes, and a Let's Encrypt
certificate that cert-manager obtains through that NGINX (ACME HTTP-01). Read from the render:
the built manifests, the main stack's module, the addons/ stack and its local charts."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
import yaml

from tests import terraform_checks as tc
from tests.builders import render_answers
from tests.platform_pack.test_k8s import answers, built, by_kind, kubectl, tree

DOMAIN = "payments.example.com"


def block(text: str, header: str) -> str:
    return text.split(header)[1].split("\n}\n")[0]


def host(env: str, last: str) -> str:
    return DOMAIN if env == last else f"{env}.{DOMAIN}"


def chart_object(files: dict[str, str], path: str, values: dict[str, str]) -> dict[str, Any]:
    """A local chart's template with its `{{ .Values.x }}` references filled in (as Helm would)."""
    text = re.sub(
        r"\{\{ (?:required \"\w+\" )?\.Values\.(\w+) \}\}",
        lambda m: values[m.group(1)],
        files[path],
    )
    assert "{{" not in text
    return yaml.safe_load(text)


def helm_sets(release: str) -> dict[str, str]:
    return dict(re.findall(r'name\s+= "([^"]+)"\n\s+value = ([^\n]+)', release.split("set = [")[1]))


@cache
def without_domain() -> dict[str, str]:
    result = {k: v for k, v in answers("azure", "canary").items() if k != "domain"}
    result["environments"] = [env | {"protected": False} for env in result["environments"]]
    return dict(render_answers(result))


@kubectl
def test_the_ingress_serves_https_for_each_environments_host() -> None:
    files = tree("azure", "canary")
    envs = [env["name"] for env in answers("azure", "canary")["environments"]]
    issuer = chart_object(
        files,
        "addons/charts/letsencrypt-issuer/templates/cluster-issuer.yaml",
        {"ingressClassName": "app-nginx"},
    )
    for env in envs:
        ingress = by_kind(built("azure", "canary", env))[("Ingress", "app")]
        notes = ingress["metadata"]["annotations"]
        # cert-manager's ingress-shim makes a Certificate for the tls section from this issuer.
        assert notes["cert-manager.io/cluster-issuer"] == issuer["metadata"]["name"]
        assert notes["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"
        assert notes["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
        name = host(env, envs[-1])
        assert ingress["spec"]["rules"][0]["host"] == name
        assert ingress["spec"]["tls"] == [{"hosts": [name], "secretName": "app-tls"}]
        tfvars = tc.parse_hcl(files[f"addons/environments/{env}.tfvars"])
        assert tc.unquote(tfvars["https_host"]) == name
        # The Ingress's class is the NGINX addons/ puts on the static address.
        assert tc.unquote(tfvars["ingress_class_name"]) == ingress["spec"]["ingressClassName"]
    assert issuer["spec"]["acme"]["server"] == "https://acme-v02.api.letsencrypt.org/directory"
    (solver,) = issuer["spec"]["acme"]["solvers"]
    assert solver == {"http01": {"ingress": {"ingressClassName": "app-nginx"}}}


def test_the_hosts_record_points_at_the_static_address_the_controller_takes() -> None:
    files = tree("azure", "canary")
    main = files["modules/aks-cluster/main.tf"]
    ip = block(main, 'resource "azurerm_public_ip" "ingress" {')
    assert re.search(r'name\s+= "\$\{var\.name\}-ingress"', ip)
    assert re.search(r'allocation_method\s+= "Static"', ip) and re.search(r'sku\s+= "Standard"', ip)
    # The control plane puts the load balancer on an address outside its node resource group
    # only with Network Contributor there (AKS app routing docs, static IP).
    grant = block(main, 'resource "azurerm_role_assignment" "cluster_ingress_ip" {')
    assert re.search(r"scope\s+= azurerm_public_ip\.ingress\.id", grant)
    assert re.search(r'role_definition_name\s+= "Network Contributor"', grant)
    assert "data.azurerm_user_assigned_identity.cluster.principal_id" in grant
    # bootstrap/'s condition lets the deploy identity grant that role to the cluster identity.
    env_tf = files["bootstrap/environments.tf"]
    assert '"Network Contributor" = "4d97b98b-1d4f-4787-a291-c67834d212e7"' in env_tf
    assert 'aks = "aks"' in env_tf  # the cluster identity <name>-aks is a runtime identity
    record = block(main, 'resource "azurerm_dns_a_record" "ingress" {')
    assert re.search(r'name\s+= "@"', record)
    assert re.search(r"target_resource_id\s+= azurerm_public_ip\.ingress\.id", record)
    call = files["app.tf"].split('module "app" {')[1].split("\n}\n")[0]
    assert re.search(r"dns_zone_name\s+= data\.azurerm_dns_zone\.this\.name", call)
    # The add-on neither runs its default (public) controller nor manages DNS with its identity.
    routing = main.split("  web_app_routing {")[1].split("\n  }\n")[0]
    assert re.search(r"dns_zone_ids\s+= \[\]", routing)
    assert re.search(r'default_nginx_controller = "None"', routing)
    # addons/ names the same address, in the cluster's (the environment's) resource group.
    release = block(files["addons/ingress.tf"], 'resource "helm_release" "app_ingress" {')
    sets = helm_sets(release)
    assert sets["publicIpName"] == '"${var.cluster_name}-ingress"'
    assert sets["publicIpResourceGroup"] == "var.cluster_name"
    controller = chart_object(
        files,
        "addons/charts/app-ingress/templates/nginx-ingress-controller.yaml",
        {"ingressClassName": "app-nginx", "publicIpName": "payments-prod-ingress",
         "publicIpResourceGroup": "payments-prod"},
    )  # fmt: skip
    assert controller["apiVersion"] == "approuting.kubernetes.azure.com/v1alpha1"
    assert controller["spec"]["loadBalancerAnnotations"] == {
        "service.beta.kubernetes.io/azure-pip-name": "payments-prod-ingress",
        "service.beta.kubernetes.io/azure-load-balancer-resource-group": "payments-prod",
    }
    for env in answers("azure", "canary")["environments"]:
        tfvars = tc.parse_hcl(files[f"addons/environments/{env['name']}.tfvars"])
        # local.name of the main stack: the cluster, its resource group and the address's prefix.
        assert tc.unquote(tfvars["cluster_name"]) == f"payments-{env['name']}"


def test_cert_manager_is_pinned_and_installed_before_the_issuer() -> None:
    addons = tree("azure", "canary")["addons/ingress.tf"]
    manager = block(addons, 'resource "helm_release" "cert_manager" {')
    assert re.search(r'repository\s+= "https://charts\.jetstack\.io"', manager)
    assert re.search(r'version\s+= "v1\.21\.1"', manager)
    assert helm_sets(manager)["crds.enabled"] == '"true"'
    issuer = block(addons, 'resource "helm_release" "letsencrypt_issuer" {')
    assert "depends_on = [helm_release.cert_manager]" in issuer
    for release in (manager, issuer):
        assert "count = local.https ? 1 : 0" in release
    assert 'https = var.https_host != ""' in addons


@kubectl
def test_the_acme_solver_is_admitted_from_the_nginx_only() -> None:
    policy = by_kind(built("azure", "canary", "prod"))[
        ("NetworkPolicy", "acme-http01-solver-from-load-balancer")
    ]
    # cert-manager's solver pods carry this label and listen on 8089 (pkg/issuer/acme/http).
    assert policy["spec"]["podSelector"] == {
        "matchLabels": {"acme.cert-manager.io/http01-solver": "true"}
    }
    (rule,) = policy["spec"]["ingress"]
    assert rule["ports"] == [{"port": 8089, "protocol": "TCP"}]
    assert rule["from"] == [
        {
            "namespaceSelector": {
                "matchLabels": {"kubernetes.io/metadata.name": "app-routing-system"}
            }
        }
    ]


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_without_a_domain_the_ingress_is_http_only(env: str) -> None:
    files = without_domain()
    ingress = yaml.safe_load(files["k8s/base/ingress.yaml"])
    assert "tls" not in ingress["spec"] and "annotations" not in ingress["metadata"]
    assert ingress["spec"]["ingressClassName"] == "app-nginx"
    assert "acme-http01-solver" not in files["k8s/base/network-policy-load-balancer.yaml"]
    assert tc.unquote(tc.parse_hcl(files[f"addons/environments/{env}.tfvars"])["https_host"]) == ""
    assert "dns_zone_name" not in files["app.tf"].split('module "app" {')[1].split("\n}\n")[0]


def test_the_subnet_takes_http_for_the_redirect_and_the_acme_challenge() -> None:
    """Let's Encrypt's HTTP-01 request and the HTTP→HTTPS redirect both arrive on port 80."""
    call = tree("azure", "canary")["main.tf"].split('module "network" {')[1].split("\n}\n")[0]
    assert re.search(r"public_ingress_ports\s+= \[80, 443\]", call)
