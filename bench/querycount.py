"""SQL queries per request, counted in-process with Django's test client against the
benchmark database (run inside either system's environment; plain Django only).

Reads a JSON list of requests on standard input:
  [{"key", "method", "path", "user", "headers": {"HTTP_AUTHORIZATION": ...}, "body", "content_type"}]
and prints one line {"<key>": {"status": int, "queries": int}} per request as it goes. Each
request is sent twice and the second one is counted, so one-off caches (content types, sites)
do not count; a request slower than 2 s is counted on its first run. Queries are counted by an
execute wrapper as well as by `CaptureQueriesContext`, whose log keeps only the last 9,000
queries (django-helpdesk's API list runs more than that). A request that fails prints
{"<key>": {"error": "..."}} and the next one is still counted.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import django


def main() -> None:
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        raise SystemExit("set DJANGO_SETTINGS_MODULE")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    executed = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal executed
        executed += 1
        return execute(sql, params, many, context)

    specs: list[dict[str, Any]] = json.load(sys.stdin)
    users = get_user_model().objects
    clients: dict[str, Client] = {}
    for spec in specs:
        try:
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
            for attempt in (1, 2):
                reset_queries()
                executed = 0
                started = time.perf_counter()
                with (
                    CaptureQueriesContext(connection) as queries,
                    connection.execute_wrapper(counter),
                ):
                    response = method(spec["path"], **kwargs)
                if attempt == 1 and time.perf_counter() - started >= 2:
                    break
            count = {"status": response.status_code, "queries": max(executed, len(queries))}
            print(json.dumps({spec["key"]: count}), flush=True)
        except Exception as error:  # one broken page must not lose the other counts
            print(json.dumps({spec["key"]: {"error": repr(error)[:300]}}), flush=True)


if __name__ == "__main__":
    main()
