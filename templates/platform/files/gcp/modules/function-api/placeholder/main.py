"""Placeholder of the function until the pipeline deploys the application (entry point: handler)."""

import functions_framework


@functions_framework.http
def handler(request):
    """Answer every request with 200 so that the environment can be checked before a release."""
    return ("No release has been deployed yet.\n", 200, {"Content-Type": "text/plain"})
