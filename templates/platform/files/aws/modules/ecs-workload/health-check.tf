################################################################################
# worker: no load balancer probes it, so the container checks itself. An ECS health check runs
# a command inside the image, and the images the pack's Dockerfiles build carry no curl or wget:
# the check asks health_check_path on the container's port with the runtime's own interpreter
# (python3, node; bash's /dev/tcp on the JRE and ASP.NET images, both Debian/Ubuntu based). An
# image without that interpreter (the placeholder until the first deploy) is not checked. Go
# (distroless: no shell) and bring-your-own images get no check: the deployment circuit breaker
# and the running-tasks alarm cover them. An unhealthy task is replaced; a rollout whose tasks
# never turn healthy is rolled back.
################################################################################

locals {
  health_url = local.has_port ? "http://127.0.0.1:${var.container_port}${var.health_check_path}" : ""

  health_probes = {
    python = ["python3", "exec python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=4)' '${local.health_url}'"]
    node   = ["node", "exec node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' '${local.health_url}'"]
    bash   = ["bash", "exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1 && printf \"GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n\" \"$2\" >&3 && read -r _ code _ <&3 && [[ $code == [23]?? ]]' bash ${coalesce(var.container_port, 0)} '${var.health_check_path}'"]
  }
  health_probe = try({ python = "python", node = "node", java = "bash", dotnet = "bash" }[coalesce(var.runtime, "container")], null)

  health_check = var.kind == "worker" && local.has_port && local.health_probe != null ? {
    command = [
      "CMD-SHELL",
      "command -v ${local.health_probes[local.health_probe][0]} >/dev/null 2>&1 || exit 0; ${local.health_probes[local.health_probe][1]}",
    ]
    interval    = 30
    timeout     = 5
    retries     = 3
    startPeriod = 60
  } : null
}
