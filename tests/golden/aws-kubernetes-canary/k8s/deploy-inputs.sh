#!/bin/sh
# Usage (in the Terraform root, after terraform init of the environment):
#   sh k8s/deploy-inputs.sh IMAGE > k8s/overlays/<env>/deploy.env
# Prints the values the environment's overlay copies into the manifests: the release image (by
# digest: REGISTRY/REPOSITORY@sha256:...) and the main stack's outputs named below.
set -eu
image=${1:?usage: k8s/deploy-inputs.sh IMAGE (by digest: REPOSITORY@sha256:...)}
if ! printf '%s\n' "$image" | grep -Eq '^[^@[:space:]]+@sha256:[0-9a-f]{64}$'; then
  echo "k8s/deploy-inputs.sh: $image is not an image by digest (REPOSITORY@sha256:<64 hex>)" >&2
  exit 2
fi
output() {
  value=$(terraform output -raw "$1") || {
    echo "k8s/deploy-inputs.sh: no Terraform output $1 (run it in the root stack, after terraform init)" >&2
    exit 2
  }
  printf '%s=%s\n' "$2" "$value"
}
printf 'IMAGE=%s\n' "$image"
output waf_web_acl_arn WAF_ACL_ARN
output certificate_arn CERTIFICATE_ARN
