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
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench import databases, machine, measure, peer, plan, report, server
from bench.client import Client
from bench.measure import Result, Spec
from bench.textgen import SEARCH_WORD

SEARCH_WORD_RU = "принтера"  # an inflected form: the index holds the stem of "принтер"

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "work"
RESULTS = REPO / "bench" / "results"
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
DEFAULT_TICKETS = 100_000
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


def _db_suffix(name: str) -> str:
    """Build records of databases renamed by BENCH_*_DATABASE are kept apart."""
    return "" if name in ("linia_bench", "helpdesk_bench") else f"-{name}"


def _build_timeout(tickets: int) -> float:
    return 600 + tickets / 100  # generous: ~2,000 tickets/s is the usual pace


# --- Linia ------------------------------------------------------------------------------------


API_MAX_OFFSET = 10_000
# Tickets a request in the batch-create measures (POST /api/v1/tickets/batch takes up to 100).
CREATE_BATCH = 50


def linia_specs(info: dict[str, Any], token: str, tickets: int) -> list[Spec]:
    agent, manager = info["agent"], info["manager"]
    bearer = {"Authorization": f"Bearer {token}"}
    # The deepest offset the API allows (linia.api.pagination.MAX_OFFSET; deeper: cursors).
    api_deep = min(int(tickets * 0.8) // PEER_PAGE * PEER_PAGE, API_MAX_OFFSET)
    # Deep pages are reached by cursor (keyset pages), as the queue's "Next" links and the
    # API's next_cursor do: "after ticket N", N chosen 80 % of the way down the newest-first
    # list (tickets are numbered in order, so that is 80 % deep for the agent too).
    first = info.get("first_number", 1)
    deep_number = int(info.get("last_number", first + tickets - 1) - tickets * 0.8)

    def create_body(number: int) -> bytes:
        return json.dumps({
            "subject": f"Benchmark ticket {number}: VPN drops",
            "description": "Created by the benchmark through the API.",
            "organization": info["create_organization_id"],
            "requester": info["create_requester_id"],
        }).encode()  # fmt: skip

    def batch_body(number: int) -> bytes:
        tickets = [json.loads(create_body(number * CREATE_BATCH + i)) for i in range(CREATE_BATCH)]
        return json.dumps({"tickets": tickets}).encode()

    def queue(key: str, label: str, path: str, user: str) -> Spec:
        return Spec("linia", key, label, path, session=user, query_user=user)

    specs = [
        queue("desk.queue", "Desk queue, default view (agent)", "/desk/", agent),
        queue("desk.queue.team", "Desk queue, my team, active (agent)",
              f"/desk/?team={info['agent_team_id']}", agent),
        queue("desk.queue.text", f"Desk queue, text “{SEARCH_WORD}” (agent)",
              f"/desk/?text={SEARCH_WORD}", agent),
        queue("desk.queue.text.count",
              f"Desk queue, text “{SEARCH_WORD}”: its count, loaded after it (agent)",
              f"/desk/queue/count/?text={SEARCH_WORD}", agent),
        queue("desk.queue.deep", f"Desk queue, any status, after #{deep_number} (agent)",
              f"/desk/?status=any&after={deep_number}", agent),
        queue("desk.queue.manager", "Desk queue, default view (manager)", "/desk/", manager),
        queue("desk.queue.text.manager", f"Desk queue, text “{SEARCH_WORD}” (manager)",
              f"/desk/?text={SEARCH_WORD}", manager),
        queue("desk.queue.text.count.manager",
              f"Desk queue, text “{SEARCH_WORD}”: its count, loaded after it (manager)",
              f"/desk/queue/count/?text={SEARCH_WORD}", manager),
        queue("desk.queue.deep.manager",
              f"Desk queue, any status, after #{deep_number} (manager)",
              f"/desk/?status=any&after={deep_number}", manager),
        queue("desk.ticket", "Desk ticket page, 50 messages (agent)",
              f"/desk/tickets/{info['big_ticket']}/", agent),
        queue("desk.ticket.card", "Desk ticket page's client card, loaded after it (agent)",
              f"/desk/tickets/{info['big_ticket']}/client-card/", agent),
        queue("portal.requests", "Portal, my requests (requester)", "/requests/",
              info["requester"]),
        queue("portal.requests.org", "Portal, organization's requests, all (client manager)",
              "/requests/?state=all", info["client_manager"]),
        Spec("linia", "api.list", "API GET /api/v1/tickets, first page",
             "/api/v1/tickets?limit=25", headers=bearer, query_user=manager,
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        Spec("linia", "api.list.deep", f"API GET /api/v1/tickets, after #{deep_number}",
             f"/api/v1/tickets?limit=25&after={deep_number}", headers=bearer,
             query_user=manager, query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        Spec("linia", "api.list.offset", f"API GET /api/v1/tickets, offset {api_deep}",
             f"/api/v1/tickets?limit=25&offset={api_deep}", headers=bearer, query_user=manager,
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}),
    ]  # fmt: skip
    # Search: an English word and an inflected Russian one ("принтера" finds "принтер"); the
    # KB through the API as an agent and a requester (session auth), the portal's FAQ search
    # and the desk's KB list; tickets through the API's `q` (full text, newest first).
    word = quote(SEARCH_WORD)
    inflected = quote(SEARCH_WORD_RU)
    requester = info["requester"]
    specs += [
        queue("desk.queue.text.ru", f"Desk queue, text “{SEARCH_WORD_RU}” (agent)",
              f"/desk/?text={inflected}", agent),
        Spec("linia", "api.search", f"API GET /api/v1/tickets?q={SEARCH_WORD}",
             f"/api/v1/tickets?limit=25&q={word}", headers=bearer, query_user=manager,
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        Spec("linia", "api.search.ru", f"API GET /api/v1/tickets?q={SEARCH_WORD_RU}",
             f"/api/v1/tickets?limit=25&q={inflected}", headers=bearer, query_user=manager,
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        queue("api.kb.search.agent", f"API GET /api/v1/kb/search?q={SEARCH_WORD} (agent)",
              f"/api/v1/kb/search?q={word}", agent),
        queue("api.kb.search.requester",
              f"API GET /api/v1/kb/search?q={SEARCH_WORD_RU} (requester)",
              f"/api/v1/kb/search?q={inflected}", requester),
        queue("portal.kb.search", f"Portal FAQ search “{SEARCH_WORD_RU}” (requester)",
              f"/kb/?q={inflected}", requester),
        queue("desk.kb.search", f"Desk KB search “{SEARCH_WORD}” (agent)",
              f"/desk/kb/?q={word}", agent),
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
    specs.extend(
        Spec("linia", f"api.create.batch.c{concurrency}",
             f"API POST /api/v1/tickets/batch, {CREATE_BATCH} tickets a request",
             "/api/v1/tickets/batch", method="POST", body=batch_body, headers=create_headers,
             expect=(201,), concurrency=concurrency, warmup=2, items=CREATE_BATCH,
             query_user=manager if concurrency == 1 else "",
             query_headers={"HTTP_AUTHORIZATION": f"Bearer {token}"})
        for concurrency in (1, 4, 8)
    )  # fmt: skip
    return specs


def trim_linia(info: dict[str, Any], env: dict[str, str]) -> None:
    """Delete the tickets the create and e-mail measures added to the built installation, so
    that the next run (--reuse) and anyone timing pages in-process read what was built."""
    trimmed = _last_json(_run(
        [str(VENV_PYTHON), "-m", "bench.linia_data", "--trim-after", str(info["last_number"])],
        env=env, cwd=REPO, timeout=1800,
    ))  # fmt: skip
    if trimmed["deleted"]:
        _log(f"linia: deleted {trimmed['deleted']:,} tickets the measures created "
             f"({trimmed['seconds']} s)")  # fmt: skip


def _reusable_build(args: argparse.Namespace, system: str, database: str) -> tuple[Path, Any]:
    """Where `system`'s build record lives, and the record when --reuse may use its database
    (built, for as many tickets); None means build it afresh."""
    vendor = "postgresql" if args.database_url else "sqlite"
    path = WORK / f"{system}-build-{vendor}{_db_suffix(database)}.json"
    if not args.reuse:
        return path, None
    if not path.exists():
        _log(f"{system}: --reuse, but nothing was built for {vendor} yet: building it")
        return path, None
    info = json.loads(path.read_text())
    if info.get("tickets_requested") != args.tickets:
        _log(f"{system}: --reuse, but the database was built for "
             f"{info.get('tickets_requested')} tickets: building it anew")  # fmt: skip
        return path, None
    return path, info


def prepare_linia(args: argparse.Namespace, now: datetime) -> Side:
    info_path, info = _reusable_build(args, "linia", databases.LINIA_DATABASE)
    db = databases.linia_database(WORK, args.database_url, fresh=info is None)
    env = {**os.environ, **db.env, "PYTHONUNBUFFERED": "1", "LINIA_LOG_LEVEL": "WARNING"}
    if info is not None:
        _log(f"linia: reusing the {db.vendor} database built earlier")
        trim_linia(info, env)
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
    return Side(
        name="linia", build=info, env=env, cwd=REPO, python=VENV_PYTHON,
        app="linia.config.wsgi:application", login_path="/accounts/login/",
        migrate=[str(VENV_PYTHON), "-m", "linia", "migrate", "--noinput", "-v", "0"],
        users=sorted({spec.session for spec in specs if spec.session}),
        login_fields=lambda user: {"login": user, "password": info["password"]},
        make_specs=lambda sessions: specs,
    )  # fmt: skip


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


def prepare_peer(args: argparse.Namespace, now: datetime) -> Side:
    python = peer.ensure_venv(WORK)
    root = peer.write_project(WORK)
    info_path, info = _reusable_build(args, "helpdesk", databases.PEER_DATABASE)
    db = databases.peer_database(WORK, args.database_url, fresh=info is None)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "hdproject.settings",
        "PYTHONPATH": f"{root}{os.pathsep}{REPO}",
        **db.env,
    }
    if info is not None:
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
        info = {**_last_json(output), "tickets_requested": args.tickets}
        info_path.write_text(json.dumps(info, indent=1))
        _log(f"helpdesk: built in {info['seconds']}s: {info['rows']}")
    return Side(
        name="helpdesk", build=info, env=env, cwd=root, python=python,
        app="hdproject.wsgi:application", login_path="/login/",
        users=[info["agent"], info["requester"]],
        login_fields=lambda user: {"username": user, "password": info["password"], "next": "/"},
        make_specs=lambda sessions: peer_specs(
            info, sessions[info["agent"]].csrf_token, args.tickets
        ),
        versions=peer.installed_version(python),
    )  # fmt: skip


# --- serving and measuring both sides ------------------------------------------------------


@dataclass
class Side:
    """One system under test: how to serve it, log in, and what to measure."""

    name: str
    build: dict[str, Any]
    env: dict[str, str]
    cwd: Path
    python: Path
    app: str
    login_path: str
    users: list[str]
    login_fields: Callable[[str], dict[str, str]]
    make_specs: Callable[[dict[str, Client]], list[Spec]]
    # Run right before serving: the schema may have moved on since the build (or --reuse).
    migrate: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    web: server.Server | None = None
    sessions: dict[str, Client] = field(default_factory=dict)
    anonymous: Client | None = None
    specs: list[Spec] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    rss: float | None = None
    error: str = ""

    def start(self, stack: contextlib.ExitStack) -> None:
        """Serve it (stopped when `stack` closes), log the users in, and make the specs."""
        if self.migrate:
            _run(self.migrate, env=self.env, cwd=self.cwd, timeout=600)
        port = server.free_port()
        _log(f"{self.name}: serving on 127.0.0.1:{port}")
        self.web = stack.enter_context(
            server.running(
                self.name, server.gunicorn_argv(self.python, self.app, port), env=self.env,
                cwd=self.cwd, port=port, probe=self.login_path,
                log_path=WORK / "logs" / f"{self.name}-gunicorn.log",
            )
        )  # fmt: skip
        for user in self.users:
            client = Client(self.web.host, self.web.port)
            stack.callback(client.close)
            client.log_in(self.login_path, self.login_fields(user))
            self.sessions[user] = client
        self.anonymous = Client(self.web.host, self.web.port)
        stack.callback(self.anonymous.close)
        self.specs = self.make_specs(self.sessions)

    def measure(self, spec: Spec, args: argparse.Namespace) -> None:
        assert self.web is not None  # noqa: S101
        assert self.anonymous is not None  # noqa: S101
        client = self.sessions[spec.session] if spec.session else self.anonymous
        result = measure.run(spec, client, requests=args.requests, max_seconds=args.max_seconds)
        self.web.sample_memory()
        shown = (
            f"p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, {result.requests} requests"
            if result.available else result.note
        )  # fmt: skip
        # Which measure raised a worker's peak memory, when the table's one figure is too high.
        shown += f"; worker peak so far {self.web.peak_worker_rss_mib()} MiB"
        _log(f"  {self.name} {spec.key}: {shown}")
        self.results.append(result)


def interleaved(linia: Side | None, peer_side: Side | None) -> list[tuple[Side, Spec]]:
    """Each Linia measure followed by its peer equivalents, so that both sides of a ratio are
    measured minutes apart under the same machine load; unpaired peer measures come last."""
    order: list[tuple[Side, Spec]] = []
    peer_specs_by_key = {spec.key: spec for spec in peer_side.specs} if peer_side else {}
    pairs = {pair.linia: pair.peer for pair in report.PAIRS}
    done: set[str] = set()
    for spec in linia.specs if linia else []:
        order.append((linia, spec))  # type: ignore[arg-type]
        for key in pairs.get(spec.key, ()):
            if key in peer_specs_by_key and key not in done:
                order.append((peer_side, peer_specs_by_key[key]))  # type: ignore[arg-type]
                done.add(key)
    order.extend((peer_side, spec) for key, spec in peer_specs_by_key.items() if key not in done)  # type: ignore[misc]
    return order


def _prepare(step: Callable[[], Side], name: str) -> Side | None:
    try:
        return step()
    except Exception as error:  # a failed side is reported, the other still runs
        _log(f"{name}: preparing failed: {error!r}")
        failed[name] = repr(error)
        return None


failed: dict[str, str] = {}


def measure_sides(sides: list[Side], args: argparse.Namespace) -> None:
    """Serve every side at once, measure them interleaved, record memory, stop the servers,
    then count queries per request in-process (servers stopped, so nothing competes)."""
    with contextlib.ExitStack() as stack:
        running = []
        for side in sides:
            try:
                side.start(stack)
                running.append(side)
            except Exception as error:  # reported; the other side still runs
                side.error = repr(error)
                _log(f"{side.name}: start failed: {error!r}")
        by_name = {side.name: side for side in running}
        for side, spec in interleaved(by_name.get("linia"), by_name.get("helpdesk")):
            side.measure(spec, args)
        for side in running:
            assert side.web is not None  # noqa: S101
            side.rss = side.web.peak_worker_rss_mib()
            _log(f"  {side.name} peak web worker RSS: {side.rss} MiB")
    for side in running:
        if side.migrate:  # the code may have moved on while the servers ran
            _run(side.migrate, env=side.env, cwd=side.cwd, timeout=600)
        _count_queries(
            side.specs, side.results, [str(side.python), "-m", "bench.querycount"], side.env,
            side.cwd,
        )  # fmt: skip
        if side.name == "linia" and "last_number" in side.build:
            trim_linia(side.build, side.env)


def _count_queries(
    specs: list[Spec], results: list[Result], argv: list[str], env: dict[str, str], cwd: Path
) -> None:
    wanted = [
        {"key": s.key, "method": s.method, "path": s.path, "user": s.query_user,
         "headers": s.query_headers, "body": s.body(10**6).decode() if s.body else None}
        for s, r in zip(specs, results, strict=True)
        # Not a page that is missing (404) or that never answered over HTTP: counting it
        # in-process would take as long (django-helpdesk's API list at a million tickets
        # held the run for the count's whole 15 minutes).
        if s.query_user and r.status != 404 and r.available
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
            if "error" in value:
                _log(f"query count of {key} failed: {value['error']}")
            else:
                by_key[key].queries = value["queries"]
    # The API create query count belongs to every concurrency level.
    for result in results:
        if result.queries is None and ".create" in result.key:
            first = by_key.get(result.key.rsplit(".c", 1)[0] + ".c1")
            result.queries = first.queries if first else None


def _run_on_scratch(
    args: argparse.Namespace, suffix: str, argv: list[str], *, timeout: float
) -> Any:
    """Run a bench script (it ends with one JSON line) on a scratch database of the run's
    vendor, created and dropped here, so the measured installation stays as built: on
    PostgreSQL `<linia db>_<suffix>`; on SQLite, the file the script keeps in its own work
    folder."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LINIA_LOG_LEVEL": "WARNING"}
    env.pop("LINIA_VAR_DIR", None)  # each script sets its own, beside its SQLite file
    scratch = ""
    if args.database_url:
        scratch = databases.scratch_database(args.database_url, suffix)
        env["DATABASE_URL"] = scratch
    else:
        env.pop("DATABASE_URL", None)
    try:
        return _last_json(_run([str(VENV_PYTHON), *argv], env=env, cwd=REPO, timeout=timeout))
    finally:
        if scratch:
            databases.drop_postgres(scratch)


def measure_email_ingest(
    args: argparse.Namespace, messages: int = 1000, *, batch: int = 100
) -> Result:
    """The e-mail ingest rate of one process (bench/email_ingest.py) on a scratch database:
    in batches as the IMAP poller ingests, or one at a time (`batch` 1) as the pipe and the
    SMTP receiver do. django-helpdesk's import needs a mailbox to poll: it has no equivalent
    row."""
    if batch == 1:
        key, label = (
            "email.ingest.single",
            f"E-mail ingest one at a time (pipe, SMTP), {messages:,} messages, one process",
        )
    else:
        key, label = (
            "email.ingest",
            f"E-mail ingest in batches of {batch} (IMAP), {messages:,} messages, one process",
        )
    result = Result("linia", key, label, "PIPE", "bench/email_ingest.py", 1)
    load = machine.load_average()
    try:
        data = _run_on_scratch(
            args, "email",
            ["bench/email_ingest.py", "--messages", str(messages), "--batch", str(batch), "--json"],
            timeout=900,
        )  # fmt: skip
        result.requests = data["messages"]
        result.seconds = data["seconds"]
        result.per_second = data["per_second"]
        result.queries = round(data["queries_per_message"])
        result.p50_ms = data["p50_ms"]
        result.p95_ms = data["p95_ms"]
        result.max_ms = data["max_ms"]
        result.note = f"msg/s; {data['queries_per_message']} queries/msg; load {load}"
    except Exception as error:  # reported in the table; the rest of the run stands
        result.note = f"failed: {error!r}"[:200]
    _log(f"  linia {key}: {result.per_second} msg/s, {result.queries} queries/msg")
    return result


# Open tickets under the SLA scheduler (issue 7: a tick over 100,000 must take ≤ 200 ms); a
# smaller run scales it down with the installation.
SLA_OPEN_TICKETS = 100_000
SLA_IDLE_TICKS = 20


def measure_sla_tick(args: argparse.Namespace) -> list[Result]:
    """The escalation scheduler's tick (bench/sla_tick.py) over open tickets on a scratch
    database: the tick that fires what came due in the last minute (~50 firings), then idle
    ticks, its cost every minute of a quiet day. django-helpdesk has no scheduler to compare
    (its escalation is a cron command over every open ticket)."""
    open_tickets = min(SLA_OPEN_TICKETS, args.tickets)
    command = "bench/sla_tick.py"
    first = Result("linia", "sla.tick", f"SLA tick over {open_tickets:,} open tickets, "
                   "firing what came due in the last minute", "TICK", command, 1)  # fmt: skip
    idle = Result("linia", "sla.tick.idle", f"SLA tick over {open_tickets:,} open tickets, "
                  "nothing due", "TICK", command, 1)  # fmt: skip
    load = machine.load_average()
    try:
        data = _run_on_scratch(
            args, "sla",
            ["-m", "bench.sla_tick", "--tickets", str(open_tickets),
             "--idle-ticks", str(SLA_IDLE_TICKS), "--json"],
            timeout=_build_timeout(open_tickets),
        )  # fmt: skip
        for result, ticks_ms in ((first, [data["first_ms"]]), (idle, data["idle_ms"])):
            result.requests = len(ticks_ms)
            result.seconds = round(sum(ticks_ms) / 1000, 3)
            result.record_latencies([ms / 1000 for ms in ticks_ms])
        first.queries = data["first_queries"]
        first.note = f"{data['first_firings']} firings; load {load}"
        idle.queries = data["idle_queries"]
    except Exception as error:  # reported in the table; the rest of the run stands
        first.note = idle.note = f"failed: {error!r}"[:200]
    _log(
        f"  linia sla.tick: {first.p50_ms} ms ({first.queries} queries), idle p50 {idle.p50_ms} ms"
    )
    return [first, idle]


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
    # `timeout`, `kill` and CI send SIGTERM: unwind like Ctrl-C so that servers are stopped.
    signal.signal(signal.SIGTERM, _stop_on_signal)
    if args.tickets < 1000:
        parser.error("--tickets must be at least 1000")
    WORK.mkdir(parents=True, exist_ok=True)
    now = plan.now_utc()
    vendor = "postgresql" if args.database_url else "sqlite"
    version = databases.postgres_version(args.database_url) if args.database_url else "(embedded)"
    about = machine.describe(REPO, vendor, version)
    _log(f"{args.tickets:,} tickets on {vendor}; {report.machine_line(about)}")
    linia = _prepare(lambda: prepare_linia(args, now), "linia")
    helpdesk = None if args.skip_peer else _prepare(lambda: prepare_peer(args, now), "helpdesk")
    measure_sides([side for side in (linia, helpdesk) if side is not None], args)
    if linia is not None:
        linia.results.append(measure_email_ingest(args))
        linia.results.append(measure_email_ingest(args, batch=1))
        linia.results.extend(measure_sla_tick(args))
    about["load_average_at_end"] = machine.load_average()
    about["cpu_probe_ms_at_end"] = machine.cpu_probe_ms()
    for side in (linia, helpdesk):
        if side is not None and side.error:
            failed[side.name] = side.error
    linia_results = linia.results if linia else []
    peer_results = helpdesk.results if helpdesk else []
    rss = {"linia": linia.rss if linia else None, "helpdesk": helpdesk.rss if helpdesk else None}
    pairs = report.side_by_side(linia_results, peer_results)
    if helpdesk and helpdesk.versions:
        about["peer"] = helpdesk.versions
    sections = [
        f"## Linia benchmark: {args.tickets:,} tickets, {vendor}",
        "",
        f"Machine: {report.machine_line(about)}",
        "",
        report.measures_table("Linia", linia_results),
    ]
    if args.skip_peer:
        sections += ["", f"Peak web worker RSS: {rss['linia']} MiB"]
    else:
        sections += ["", report.measures_table("django-helpdesk", peer_results), "",
                     report.side_by_side_table(pairs, rss)]  # fmt: skip
    if failed:
        sections += ["", "Failures: " + "; ".join(f"{k}: {v}" for k, v in failed.items())]
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
            "errors": failed,
        })  # fmt: skip
        _log(f"results written to {path.relative_to(REPO)}")
    if failed:
        sys.exit(1)


def _stop_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _build_summary(side: Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {"seconds": side.build.get("seconds"), "rows": side.build.get("rows")}


def _compact(result: Result) -> dict[str, Any]:
    data = result.as_dict()
    return {key: value for key, value in data.items() if value not in (None, "", {})}
