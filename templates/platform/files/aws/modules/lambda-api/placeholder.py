"""Placeholder handler, replaced by the first deployment of the application's package."""

import json


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"status": "ok", "release": "placeholder"}),
    }
