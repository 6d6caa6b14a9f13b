"""SQL queries per request, counted in-process with Django's test client against the
benchmark database (run inside either system's environment; plain Django only).

Reads a JSON list of requests on standard input:
  [{"key", "method", "path", "user", "headers": {"HTTP_AUTHORIZATION": ...}, "body", "content_type"}]
and prints {"<key>": {"status": int, "queries": int}} as its last line. Each request is sent
twice and the second one is counted, so one-off caches (content types, sites) do not count.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import django


def main() -> None:
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        raise SystemExit("set DJANGO_SETTINGS_MODULE")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    specs: list[dict[str, Any]] = json.load(sys.stdin)
    users = get_user_model().objects
    clients: dict[str, Client] = {}
    results: dict[str, dict[str, int]] = {}
    for spec in specs:
        username = spec["user"]
        if username not in clients:
            client = Client()
            client.force_login(users.get(username=username))
            clients[username] = client
        client = clients[username]
        method = getattr(client, spec.get("method", "GET").lower())
        kwargs: dict[str, Any] = dict(spec.get("headers") or {})
        if spec.get("body") is not None:
            kwargs["data"] = spec["body"]
            kwargs["content_type"] = spec.get("content_type", "application/json")
        method(spec["path"], **kwargs)
        with CaptureQueriesContext(connection) as queries:
            response = method(spec["path"], **kwargs)
        results[spec["key"]] = {"status": response.status_code, "queries": len(queries)}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
