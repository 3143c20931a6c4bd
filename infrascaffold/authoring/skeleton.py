"""`template init`: the files of a new, working pack (optionally extending another)."""

from __future__ import annotations

STANDALONE_MANIFEST = """\
name: {name}
version: 0.1.0
description: A template pack made with `infrascaffold template init`.
requires: ">=0.1.0"

questions:
  - key: project_name
    help: Project name (lowercase slug)
    validators:
      - regex: "^[a-z][a-z0-9-]{{2,23}}$"
        message: "{{{{ value }}}} is not a lowercase slug of 3-24 characters"
  - key: region
    help: Region
    default: eu-west-1

files: []
"""

OVERLAY_MANIFEST = """\
name: {name}
version: 0.1.0
description: Our conventions on top of the built-in `{base}` pack.
requires: ">=0.1.0"
extends: {base}

# New questions; an existing key overrides only the fields given here.
questions:
  - key: cost_center
    help: Cost center charged for this project
    default: cc-0000
    validators:
      - regex: "^cc-[0-9]{{4}}$"
        message: "{{{{ value }}}} is not a cost center (cc-0000)"
  - key: owner
    default: platform-team

# Answers the pack sets for everyone.
fixed:
  cloud: aws

# Extra validators on the base pack's answers (`list.field` for a field of each record).
validators:
  environments.region:
    - expr: "value in ['eu-west-1', 'eu-central-1']"
      message: "{{{{ value }}}} is not one of our approved regions"

files: []
"""

STANDALONE_FILES = {
    "files/README.md.j2": "# {{ project_name }}\n\nRegion: {{ region }}.\n",
    "files/main.tf.j2": """\
terraform {
  required_version = ">= 1.6"
  backend "local" {}
}

locals {
  project = {{ project_name | hcl }}
  region  = {{ region | hcl }}
}

output "project" {
  description = "The project name."
  value       = local.project
}

output "region" {
  description = "The region."
  value       = local.region
}
""",
    "tests/default/answers.yaml": "project_name: demo\n",
}

OVERLAY_FILES = {
    "files/common/docs/CONVENTIONS.md.j2": """\
# Conventions of {{ project_name }}

- Cost center: `{{ cost_center }}` (tag every resource with it).
- Approved regions: eu-west-1, eu-central-1.
""",
    # Every answer the base requires without a default: a protected prod needs a domain, an
    # alert e-mail and (on Kubernetes) a runner in its network; AWS, an account per environment.
    "tests/default/answers.yaml": """\
project_name: demo
repository: acme/demo
cost_center: cc-1234
domain: demo.example.com
alert_email: oncall@example.com
aws_state_account_id: "999999999999"
environments:
  - {name: dev, region: eu-west-1, cidr: 10.10.0.0/16, size: small, account_id: "111111111111",
     protected: false}
  - {name: prod, region: eu-central-1, cidr: 10.30.0.0/16, size: large, account_id: "222222222222",
     protected: true, runner: prod-network}
""",
}


def skeleton_files(name: str, extends: str | None) -> dict[str, str]:
    """The files of a new pack named `name`, extending `extends` when given."""
    if extends:
        manifest = OVERLAY_MANIFEST.format(name=name, base=extends)
        return {"pack.yaml": manifest, **OVERLAY_FILES}
    return {"pack.yaml": STANDALONE_MANIFEST.format(name=name), **STANDALONE_FILES}
