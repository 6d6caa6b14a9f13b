"""`python -m bench` (`make bench`): build both installations, serve them, measure, report.

    make bench                          # TICKETS=100000 on SQLite
    make bench TICKETS=20000            # smaller
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x make bench   # PostgreSQL
    .venv/bin/python -m bench --tickets 20000 --reuse --skip-peer  # iterate on Linia only

Every step is bounded: subprocesses have time-outs, servers a start-up deadline, measures a
request count and a duration; servers are stopped even when a step fails.
See docs/performance.md for what each measure means.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import databases, machine, measure, peer, plan, report, server
from bench.client import Client
from bench.measure import Result, Spec
from bench.textgen import SEARCH_WORD

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "work"
RESULTS = REPO / "bench" / "results"
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
DEFAULT_TICKETS = 100_000
QUEUE_PAGE = 50  # settings.LINIA_QUEUE_PAGE_SIZE
PEER_PAGE = 25  # django-helpdesk's default page (datatables and API)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _run(argv: list[str], *, env: dict[str, str], cwd: Path, timeout: float,
         stdin: str | None = None) -> str:  # fmt: skip
    """Run a step; its stderr (progress bars) goes to ours; returns its standard output."""
    completed = subprocess.run(
        argv, cwd=cwd, env=env, input=stdin, stdout=subprocess.PIPE, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} … failed ({completed.returncode})")
    return completed.stdout


def _last_json(output: str) -> Any:
    return json.loads(output.strip().splitlines()[-1])


def _build_timeout(tickets: int) -> float:
    return 600 + tickets / 100  # generous: ~2,000 tickets/s is the usual pace


# --- Linia ------------------------------------------------------------------------------------


def linia_specs(info: dict[str, Any], token: str, tickets: int) -> list[Spec]:
    agent, manager = info["agent"], info["manager"]
    bearer = {"Authorization": f"Bearer {token}"}
    deep_agent = max(1, int(info["agent_visible"] * 0.8) // QUEUE_PAGE)
    deep_all = max(1, int(tickets * 0.8) // QUEUE_PAGE)
    api_deep = int(tickets * 0.8) // PEER_PAGE * PEER_PAGE

    def create_body(number: int) -> bytes:
        return json.dumps({
            "subject": f"Benchmark ticket {number}: VPN drops",
            "description": "Created by the benchmark through the API.",
            "organization": info["create_organization_id"],
            "requester": info["create_requester_id"],
        }).encode()  # fmt: skip

    def queue(key: str, label: str, path: str, user: str) -> Spec:
        return Spec("linia", key, label, path, session=user, query_user=user)

    specs = [
        queue("desk.queue", "Desk queue, default view (agent)", "/desk/", agent),
        queue("desk.queue.team", "Desk queue, my team, active (agent)",
              f"/desk/?team={info['agent_team_id']}", agent),
        queue("desk.queue.text", f"Desk queue, text “{SEARCH_WORD}” (agent)",
              f"/desk/?text={SEARCH_WORD}", agent),
        queue("desk.queue.deep", f"Desk queue, any status, page {deep_agent} (agent)",
              f"/desk/?status=any&page={deep_agent}", agent),
        queue("desk.queue.manager", "Desk queue, default view (manager)", "/desk/", manager),
        queue("desk.queue.text.manager", f"Desk queue, text “{SEARCH_WORD}” (manager)",
              f"/desk/?text={SEARCH_WORD}", manager),
        queue("desk.queue.deep.manager", f"Desk queue, any status, page {deep_all} (manager)",
              f"/desk/?status=any&page={deep_all}", manager),
        queue("desk.ticket", "Desk ticket page, 50 messages (agent)",
              f"/desk/tickets/{info['big_ticket']}/", agent),
        queue("portal.requests", "Portal, my requests (requester)", "/requests/",
              info["requester"]),
        queue("portal.requests.org", "Portal, organization's requests, all (client manager)",
              "/requests/?state=all", info["client_manager"]),
        Spec("linia", "api.list", "API GET /api/v1/tickets, first page",
             "/api/v1/tickets?limit=25", headers=bearer, query_user=manager,
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        Spec("linia", "api.list.deep", f"API GET /api/v1/tickets, offset {api_deep}",
             f"/api/v1/tickets?limit=25&offset={api_deep}", headers=bearer, query_user=manager,
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}),
    ]  # fmt: skip
    create_headers = {**bearer, "Content-Type": "application/json"}
    specs.extend(
        Spec("linia", f"api.create.c{concurrency}", "API POST /api/v1/tickets",
             "/api/v1/tickets", method="POST", body=create_body, headers=create_headers,
             expect=(201,), concurrency=concurrency, warmup=2,
             query_user=manager if concurrency == 1 else "",
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"})
        for concurrency in (1, 4, 8)
    )  # fmt: skip
    return specs


def run_linia(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    db = databases.linia_database(WORK, args.database_url, fresh=not args.reuse)
    env = {**os.environ, **db.env, "PYTHONUNBUFFERED": "1", "LINIA_LOG_LEVEL": "WARNING"}
    info_path = WORK / f"linia-build-{db.vendor}.json"
    if args.reuse and info_path.exists():
        info = json.loads(info_path.read_text())
        if info.get("tickets_requested") != args.tickets:
            raise SystemExit(
                f"--reuse: {info_path} was built for {info.get('tickets_requested')} tickets"
            )
        _log(f"linia: reusing the {db.vendor} database built earlier")
    else:
        _log(f"linia: migrating a fresh {db.vendor} database")
        for step in (["migrate"], ["collectstatic"]):  # as `make run` prepares a server
            _run([str(VENV_PYTHON), "-m", "linia", *step, "--noinput", "-v", "0"],
                 env=env, cwd=REPO, timeout=600)  # fmt: skip
        _log(f"linia: building {args.tickets:,} tickets")
        output = _run(
            [str(VENV_PYTHON), "-m", "bench.linia_data", "--tickets", str(args.tickets),
             "--now", now.isoformat(), "--seed", str(args.seed)],
            env=env, cwd=REPO, timeout=_build_timeout(args.tickets),
        )  # fmt: skip
        info = {**_last_json(output), "tickets_requested": args.tickets}
        info_path.write_text(json.dumps(info, indent=1))
        _log(f"linia: built in {info['seconds']}s: {info['rows']}")
    token = _run(
        [str(VENV_PYTHON), "-m", "linia", "create-api-token", info["manager"], "--name", "bench"],
        env=env, cwd=REPO, timeout=120,
    ).strip().splitlines()[-1]  # fmt: skip
    specs = linia_specs(info, token, args.tickets)
    port = server.free_port()
    argv = server.gunicorn_argv(VENV_PYTHON, "linia.config.wsgi:application", port)
    results: list[Result] = []
    rss = None
    _log(f"linia: serving on 127.0.0.1:{port}")
    with server.running("linia", argv, env=env, cwd=REPO, port=port, probe="/accounts/login/",
                        log_path=WORK / "logs" / "linia-gunicorn.log") as web:  # fmt: skip
        sessions = {}
        for username in {s.session for s in specs if s.session}:
            client = Client(web.host, web.port)
            client.log_in("/accounts/login/", {"login": username, "password": info["password"]})
            sessions[username] = client
        api_client = Client(web.host, web.port)
        results = _measure_all(specs, sessions, api_client, args, web)
        rss = web.peak_worker_rss_mib()
        for client in [*sessions.values(), api_client]:
            client.close()
    _count_queries(specs, results, [str(VENV_PYTHON), "-m", "bench.querycount"], env, REPO)
    return {"build": info, "results": results, "rss": rss, "database": db.vendor}


# --- django-helpdesk -----------------------------------------------------------------------


def _b64(query: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(query).encode()).decode("ascii")


def peer_specs(info: dict[str, Any], client_csrf: str, tickets: int) -> list[Spec]:
    agent, requester = info["agent"], info["requester"]
    default = {"filtering": {"status__in": [1, 2]}, "sorting": "created", "search_string": "",
               "sortreverse": False}  # fmt: skip
    text = {**default, "search_string": SEARCH_WORD}
    everything = {**default, "filtering": {"status__in": [1, 2, 3, 4, 5]}}
    deep = int(tickets * 0.8) // PEER_PAGE * PEER_PAGE
    data = "draw=1&length=25&start={start}"

    def create_body(number: int) -> bytes:
        return json.dumps({
            "queue": info["create_queue_id"],
            "title": f"Benchmark ticket {number}: VPN drops",
            "description": "Created by the benchmark through the API.",
            "submitter_email": info["requester_email"],
            "priority": 3,
        }).encode()  # fmt: skip

    def get(key: str, label: str, path: str, user: str) -> Spec:
        return Spec("helpdesk", key, label, path, session=user, query_user=user)

    specs = [
        get("hd.list.page", "Ticket list page (staff)", "/tickets/", agent),
        get("hd.list.data", "Ticket list data, datatables JSON (staff)",
            f"/datatables_ticket_list/{_b64(default)}?{data.format(start=0)}", agent),
        get("hd.list.page.text", f"Ticket list page, q={SEARCH_WORD}",
            f"/tickets/?q={SEARCH_WORD}", agent),
        get("hd.list.data.text", f"Ticket list data, search “{SEARCH_WORD}”",
            f"/datatables_ticket_list/{_b64(text)}?{data.format(start=0)}", agent),
        get("hd.list.page.all", "Ticket list page, all statuses",
            "/tickets/?status=1&status=2&status=3&status=4&status=5", agent),
        get("hd.list.data.deep", f"Ticket list data, all statuses, start {deep}",
            f"/datatables_ticket_list/{_b64(everything)}?{data.format(start=deep)}", agent),
        get("hd.ticket", "Ticket page, 50 follow-ups (staff)",
            f"/tickets/{info['big_ticket']}/", agent),
        get("hd.mine.page", "My tickets page (requester)", "/tickets/my-tickets/", requester),
        get("hd.mine.data", "My tickets data, /api/user_tickets/ (requester)",
            "/api/user_tickets/", requester),
        get("hd.api.list", "API GET /api/tickets/, first page", "/api/tickets/", agent),
        get("hd.api.list.deep", f"API GET /api/tickets/, page {deep // PEER_PAGE + 1}",
            f"/api/tickets/?page={deep // PEER_PAGE + 1}", agent),
    ]  # fmt: skip
    headers = {"Content-Type": "application/json", "X-CSRFToken": client_csrf}
    specs.extend(
        Spec("helpdesk", f"hd.api.create.c{concurrency}", "API POST /api/tickets/",
             "/api/tickets/", method="POST", body=create_body, headers=headers,
             expect=(201,), concurrency=concurrency, warmup=2, session=agent,
             query_user=agent if concurrency == 1 else "")
        for concurrency in (1, 4, 8)
    )  # fmt: skip
    return specs


def run_peer(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    python = peer.ensure_venv(WORK)
    root = peer.write_project(WORK)
    db = databases.peer_database(WORK, args.database_url, fresh=not args.reuse)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "hdproject.settings",
        "PYTHONPATH": f"{root}{os.pathsep}{REPO}",
        **db.env,
    }
    info_path = WORK / f"helpdesk-build-{db.vendor}.json"
    if args.reuse and info_path.exists():
        info = json.loads(info_path.read_text())
        _log("helpdesk: reusing the database built earlier")
    else:
        _log(f"helpdesk: migrating a fresh {db.vendor} database")
        _run([str(python), "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=root,
             timeout=600)  # fmt: skip
        _log(f"helpdesk: building {args.tickets:,} tickets")
        output = _run(
            [str(python), "-m", "bench.helpdesk_data", "--tickets", str(args.tickets),
             "--now", now.isoformat(), "--seed", str(args.seed)],
            env=env, cwd=root, timeout=_build_timeout(args.tickets),
        )  # fmt: skip
        info = _last_json(output)
        info_path.write_text(json.dumps(info, indent=1))
        _log(f"helpdesk: built in {info['seconds']}s: {info['rows']}")
    versions = peer.installed_version(python)
    port = server.free_port()
    argv = server.gunicorn_argv(python, "hdproject.wsgi:application", port)
    _log(f"helpdesk: serving on 127.0.0.1:{port}")
    with server.running("helpdesk", argv, env=env, cwd=root, port=port, probe="/login/",
                        log_path=WORK / "logs" / "helpdesk-gunicorn.log") as web:  # fmt: skip
        sessions = {}
        for username in (info["agent"], info["requester"]):
            client = Client(web.host, web.port)
            client.log_in("/login/", {"username": username, "password": info["password"],
                                      "next": "/"})  # fmt: skip
            sessions[username] = client
        specs = peer_specs(info, sessions[info["agent"]].csrf_token, args.tickets)
        results = _measure_all(specs, sessions, Client(web.host, web.port), args, web)
        rss = web.peak_worker_rss_mib()
        for client in sessions.values():
            client.close()
    _count_queries(specs, results, [str(python), "-m", "bench.querycount"], env, root)
    return {"build": info, "results": results, "rss": rss, "versions": versions}


# --- shared steps ----------------------------------------------------------------------------


def _measure_all(
    specs: list[Spec],
    sessions: dict[str, Client],
    anonymous: Client,
    args: argparse.Namespace,
    web: server.Server,
) -> list[Result]:
    results = []
    for spec in specs:
        client = sessions[spec.session] if spec.session else anonymous
        result = measure.run(spec, client, requests=args.requests, max_seconds=args.max_seconds)
        web.sample_memory()
        shown = (
            f"p50 {result.p50_ms} ms, p95 {result.p95_ms} ms" if result.available else result.note
        )
        _log(f"  {spec.system} {spec.key}: {shown}")
        results.append(result)
    return results


def _count_queries(
    specs: list[Spec], results: list[Result], argv: list[str], env: dict[str, str], cwd: Path
) -> None:
    wanted = [
        {"key": s.key, "method": s.method, "path": s.path, "user": s.query_user,
         "headers": s.query_headers, "body": s.body(10**6).decode() if s.body else None}
        for s, r in zip(specs, results, strict=True)
        if s.query_user and r.status != 404
    ]  # fmt: skip
    if not wanted:
        return
    try:
        completed = subprocess.run(
            argv, cwd=cwd, env=env, input=json.dumps(wanted), stdout=subprocess.PIPE,
            text=True, timeout=900, check=False,
        )  # fmt: skip
        output = completed.stdout
        if completed.returncode != 0:
            _log(f"query count stopped early ({completed.returncode})")
    except subprocess.TimeoutExpired as expired:
        _log("query count ran out of time; keeping the counts made so far")
        raw = expired.stdout or b""
        output = raw.decode() if isinstance(raw, bytes) else raw
    by_key = {r.key: r for r in results}
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        for key, value in json.loads(line).items():
            by_key[key].queries = value["queries"]
    # The API create query count belongs to every concurrency level.
    for result in results:
        if result.queries is None and ".create.c" in result.key:
            first = by_key.get(result.key.rsplit(".c", 1)[0] + ".c1")
            result.queries = first.queries if first else None


def _guarded(step: Callable[[], dict[str, Any]], name: str) -> dict[str, Any] | None:
    try:
        return step()
    except Exception as error:  # a failed side is reported, the other still runs
        _log(f"{name} failed: {error!r}")
        return {"error": repr(error), "results": [], "rss": None, "build": {}}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--tickets", type=int,
                        default=int(os.environ.get("TICKETS") or DEFAULT_TICKETS))  # fmt: skip
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="PostgreSQL server to use (databases linia_bench and helpdesk_bench "
                             "are created there); SQLite files in bench/work/ when empty")  # fmt: skip
    parser.add_argument("--requests", type=int, default=200, help="timed requests per measure")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time limit per measure")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the databases of the previous run with the same size")  # fmt: skip
    parser.add_argument("--skip-peer", action="store_true", help="measure Linia only")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args()
    if args.tickets < 1000:
        parser.error("--tickets must be at least 1000")
    WORK.mkdir(parents=True, exist_ok=True)
    now = plan.now_utc()
    vendor = "postgresql" if args.database_url else "sqlite"
    version = databases.postgres_version(args.database_url) if args.database_url else "(embedded)"
    about = machine.describe(REPO, vendor, version)
    _log(f"{args.tickets:,} tickets on {vendor}; {report.machine_line(about)}")
    linia = _guarded(lambda: run_linia(args, now), "linia") or {}
    helpdesk = None if args.skip_peer else _guarded(lambda: run_peer(args, now), "helpdesk")
    linia_results: list[Result] = linia.get("results", [])
    peer_results: list[Result] = helpdesk.get("results", []) if helpdesk else []
    rss = {"linia": linia.get("rss"), "helpdesk": helpdesk.get("rss") if helpdesk else None}
    pairs = report.side_by_side(linia_results, peer_results)
    if helpdesk and helpdesk.get("versions"):
        about["peer"] = helpdesk["versions"]
    sections = [
        f"## Linia benchmark: {args.tickets:,} tickets, {vendor}",
        "",
        f"Machine: {report.machine_line(about)}",
        "",
        report.measures_table("Linia", linia_results),
    ]
    if helpdesk is not None:
        sections += ["", report.measures_table("django-helpdesk", peer_results), "",
                     report.side_by_side_table(pairs, rss)]  # fmt: skip
    print("\n".join(sections))
    if not args.no_save:
        date = datetime.now(UTC).strftime("%Y-%m-%d")
        path = RESULTS / f"{date}-{vendor}-{args.tickets}.json"
        report.write_json(path, {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "tickets": args.tickets,
            "database": vendor,
            "settings": {"requests": args.requests, "max_seconds": args.max_seconds,
                         "workers": server.WORKERS, "threads": server.THREADS},
            "machine": about,
            "build": {"linia": _build_summary(linia), "helpdesk": _build_summary(helpdesk)},
            "linia": [_compact(r) for r in linia_results],
            "helpdesk": [_compact(r) for r in peer_results],
            "peak_worker_rss_mib": rss,
            "side_by_side": pairs,
            "errors": {k: v["error"] for k, v in (("linia", linia), ("helpdesk", helpdesk or {}))
                       if v.get("error")},
        })  # fmt: skip
        _log(f"results written to {path.relative_to(REPO)}")
    if linia.get("error") or (helpdesk and helpdesk.get("error")):
        sys.exit(1)


def _build_summary(side: dict[str, Any] | None) -> dict[str, Any] | None:
    if not side or not side.get("build"):
        return None
    build = side["build"]
    return {"seconds": build.get("seconds"), "rows": build.get("rows")}


def _compact(result: Result) -> dict[str, Any]:
    data = result.as_dict()
    return {key: value for key, value in data.items() if value not in (None, "", {})}
