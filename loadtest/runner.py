"""The load test, end to end (loadtest/run calls this; docs/deployment.md, "Load test").

1. Builds a fresh PostgreSQL database: the demo movement at a realistic size, plus the load
   test's organizer and member accounts (loadtest/fixture.py).
2. Starts the production setup (scripts/production) on loopback with production settings,
   the load test acting as the TLS proxy in front of it.
3. Runs locust headless: organizers and members browsing, reporting back and signing people up.
4. Stops the production setup (SIGTERM to its supervisor), then checks that every write that
   got a success answer is in the database (loadtest/verify.py).
5. Prints p50/p95/p99, requests per second, errors and the verification; exits non-zero if
   there were errors, a write is missing, or p95 is over the limit.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)


def bin_path(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else name


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="loadtest/run", description=(
        "Load-test the production setup on loopback: build a database, start "
        "scripts/production, run locust, verify the writes."))
    parser.add_argument("--users", type=int, default=200, help="simulated people (200)")
    parser.add_argument("--seconds", type=int, default=300,
                        help="how long all of them run once the last has started (300)")
    parser.add_argument("--spawn-rate", type=float, default=0.0,
                        help="people starting (and signing in) per second (default: all "
                             "within the first minute, or the first third of a shorter run)")
    parser.add_argument("--think", default="3,12",
                        help="seconds each person waits between requests, min,max (3,12)")
    parser.add_argument("--people", type=int, default=2000,
                        help="size of the demo movement (2000: its biggest chapter ~1,100)")
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/netweave_loadtest",
                        help="PostgreSQL database to create afresh; its name must contain "
                             "'loadtest' (it is dropped first)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0",
                        help="Redis for the cache and the job queue")
    parser.add_argument("--port", type=int, default=0,
                        help="loopback port for the server (default: a free one)")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers (default: production's, 2 x cores + 1)")
    parser.add_argument("--p95-ms", type=float, default=300.0,
                        help="fail when p95 is above this (0: do not check)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for logs and results (default: a new temporary folder)")
    parser.add_argument("--keep-database", action="store_true",
                        help="leave the database behind for a look (its settings and keys "
                             "in production.env in the log folder)")
    args = parser.parse_args(argv)
    if not args.port:
        args.port = free_port()
    if args.spawn_rate <= 0:
        args.spawn_rate = max(1.0, args.users / min(60, max(1, args.seconds // 3)))
    return args


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    db = urlsplit(args.database_url)
    name = db.path.lstrip("/")
    if db.scheme not in ("postgres", "postgresql") or "loadtest" not in name:
        print("--database-url must be a PostgreSQL database whose name contains 'loadtest': "
              "the load test drops and recreates it.", file=sys.stderr)
        return 2
    if port_taken(args.port):
        print(f"Something already listens on 127.0.0.1:{args.port}: the load test would "
              "measure it instead. Choose another --port.", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="netweave-loadtest-"))
    out.mkdir(parents=True, exist_ok=True)
    env = production_env(args, out)
    if args.keep_database:
        # The kept database's contact details are encrypted under this run's fresh keys.
        keep = {k: v for k, v in env.items() if k.startswith(("NETWEAVE_", "DATABASE_URL",
                                                                "SECRET_KEY", "ALLOWED_HOSTS"))}
        (out / "production.env").write_text("".join(f"{k}={v}\n" for k, v in keep.items()))
    started = time.monotonic()
    print(f"load test: {args.users} users for {args.seconds} s; logs in {out}")
    recreate_database(args.database_url, name)
    try:
        build_data(args, env, out)
        print(f"  database built in {time.monotonic() - started:.0f} s")
        server = start_production(env, out, args.port)
        loads: list[float] = []
        (out / "writes.jsonl").write_text("")
        cpu_samples: list[tuple[float, dict[str, float]]] = []
        try:
            sampler = sample_load(loads)
            cpu_sampler = sample_cpu(server.pid, cpu_samples)
            cpu_before = server_cpu_seconds(server.pid)
            run_locust(args, env, out)
            cpu = server_cpu_seconds(server.pid) - cpu_before
            cpu_samples.append((time.time(), server_cpu_by_process(server.pid)))
            sampler.set()
            cpu_sampler.set()
        finally:
            stop(server)
        verification = subprocess.run(  # noqa: S603  (fixed command: this project's script)
            [str(PYTHON), str(ROOT / "loadtest" / "verify.py"), str(out / "writes.jsonl")],
            env=env, capture_output=True, text=True, check=False, cwd=ROOT)
        (out / "verify.log").write_text(verification.stdout + verification.stderr)
        return report(args, out, verification, loads, cpu, cpu_samples)
    finally:
        if not args.keep_database:
            drop_database(args.database_url, name)


def production_env(args: argparse.Namespace, out: Path) -> dict[str, str]:
    """Production settings, as docs/deployment.md lists them, for loopback: fresh keys, HTTPS
    on (the load test sends what the TLS proxy would), one proxy in front."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NETWEAVE_", "DJANGO_", "DATABASE_URL", "WEB_CONCURRENCY",
                                "GUNICORN_"))}
    queue = f"netweave-loadtest-{os.getpid()}"
    env.update({
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "NETWEAVE_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "NETWEAVE_HASH_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "NETWEAVE_HTTPS": "1",
        "NETWEAVE_PROXY_COUNT": "1",
        "NETWEAVE_CACHE_URL": args.redis_url,
        "NETWEAVE_QUEUE_URL": args.redis_url,
        "NETWEAVE_QUEUE_NAME": queue,
        "NETWEAVE_BIND": f"127.0.0.1:{args.port}",
        "NETWEAVE_BASE_URL": f"https://127.0.0.1:{args.port}",
        "NETWEAVE_DATA_DIR": str(out / "data"),
        # Reminders and digests the worker sends during the run go nowhere.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "netweave.settings",
        "NETWEAVE_LOADTEST_USERS": str(out / "users.json"),
        "NETWEAVE_LOADTEST_WRITES": str(out / "writes.jsonl"),
        "NETWEAVE_LOADTEST_THINK": args.think,
        "NETWEAVE_LOADTEST_STEADY": str(out / "steady.json"),
    })
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    return env


def _admin_connection(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True)


def recreate_database(url: str, name: str) -> None:
    from psycopg import sql

    drop_database(url, name)
    with _admin_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _admin_connection(url) as conn:
        conn.execute(drop)


def run_step(command: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as handle:
        result = subprocess.run(command, env=env, stdout=handle, stderr=subprocess.STDOUT,  # noqa: S603
                                cwd=ROOT, check=False)
    if result.returncode != 0:
        print(log.read_text()[-4000:], file=sys.stderr)
        raise SystemExit(f"step failed: {' '.join(command)} (log: {log})")


def build_data(args: argparse.Namespace, env: dict[str, str], out: Path) -> None:
    log = out / "build.log"
    run_step([bin_path("netweave"), "demo", "--force", "--no-serve", "--people",
              str(args.people)], env, log)
    run_step([str(PYTHON), str(ROOT / "loadtest" / "fixture.py"), "--users", str(args.users),
              "--out", str(out / "users.json")], env, log)
    # Today's daily jobs (snapshots, the ladder, reminders) done, in-process, as on a server
    # that has been up since midnight: the run measures the day's traffic, not that burst.
    run_step([bin_path("netweave"), "worker", "--once"], env | {"NETWEAVE_QUEUE_URL": ""}, log)


def start_production(env: dict[str, str], out: Path, port: int) -> subprocess.Popen[bytes]:
    log = (out / "production.log").open("ab")
    server = subprocess.Popen(  # noqa: S603  (fixed command: this project's script)
        [str(ROOT / "scripts" / "production")], env=env, stdout=log, stderr=subprocess.STDOUT,
        cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 180
    request = urllib.request.Request(  # noqa: S310  (loopback, a fixed scheme)
        f"http://127.0.0.1:{port}/login/", headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"scripts/production exited ({server.returncode}): "
                             f"{(out / 'production.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  # nosec B310
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    stop(server)
    raise SystemExit("scripts/production did not answer within 180 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the supervisor, which stops every process it started."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by the production processes: the supervisor and
    everything under it, gunicorn's workers included. Divided by the requests served, it says
    what a request costs whatever else the machine is doing (PostgreSQL's own time is not in it).
    """
    return sum(server_cpu_by_process(pid).values())


def process_kind(command: list[str]) -> str:
    """Which production process a command line is (the Procfile's names), else the
    supervisor (honcho and its helpers, which also copy every log line)."""
    line = " ".join(command)
    if "honcho" in line:  # its command line names the processes it runs
        return "supervisor"
    if "gunicorn" in line:
        return "web"
    if "rqworker" in line:
        return "rqworker"
    if "netweave worker" in line:
        return "worker"
    return "supervisor"


def server_cpu_by_process(pid: int) -> dict[str, float]:
    """CPU seconds so far of the production processes, by kind (web, worker, rqworker,
    supervisor). A process's reaped children count for it: a job the queue worker ran in a
    forked process, or a web worker gunicorn replaced, is still in the figures."""
    import psutil  # installed with locust

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    kinds: dict[str, float] = {}
    for process in processes:
        try:
            times = process.cpu_times()
            kind = process_kind(process.cmdline())
        except psutil.NoSuchProcess:
            continue
        reaped = times.children_user + times.children_system if process.pid != pid else 0.0
        kinds[kind] = kinds.get(kind, 0.0) + times.user + times.system + reaped
    return kinds


def sample_cpu(pid: int, samples: list[tuple[float, dict[str, float]]]) -> threading.Event:
    """The production processes' CPU by kind every 2 s while locust runs, so the steady
    state (after the ramp) can be told apart from the sign-ins."""
    done = threading.Event()

    def loop() -> None:
        samples.append((time.time(), server_cpu_by_process(pid)))
        while not done.wait(2):
            samples.append((time.time(), server_cpu_by_process(pid)))

    threading.Thread(target=loop, daemon=True).start()
    return done


def cpu_split(samples: list[tuple[float, dict[str, float]]], since: float | None,
              ) -> dict[str, float]:
    """CPU seconds by kind between the first sample at or after `since` (the whole run when
    None) and the last."""
    if len(samples) < 2:
        return {}
    start = samples[0]
    if since is not None:
        start = next((s for s in samples if s[0] >= since), samples[-1])
    end = samples[-1]
    return {kind: end[1].get(kind, 0.0) - start[1].get(kind, 0.0) for kind in end[1]}


def sample_load(loads: list[float]) -> threading.Event:
    """The machine's 1-minute load average every 10 s while locust runs."""
    done = threading.Event()

    def loop() -> None:
        while not done.wait(10):
            loads.append(os.getloadavg()[0])

    threading.Thread(target=loop, daemon=True).start()
    return done


def ramp_seconds(args: argparse.Namespace) -> int:
    return math.ceil(args.users / args.spawn_rate)


def run_locust(args: argparse.Namespace, env: dict[str, str], out: Path) -> None:
    command = [
        bin_path("locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{args.port}", "-u", str(args.users),
        # All of them for --seconds once the last has started (the ramp's sign-ins counted too).
        "-r", f"{args.spawn_rate:g}", "-t", f"{args.seconds + ramp_seconds(args)}s",
        "--stop-timeout", "15",
        "--csv", str(out / "locust"), "--only-summary", "--loglevel", "WARNING",
    ]
    with (out / "locust.log").open("w") as log:
        subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,  # noqa: S603
                       check=False)


def read_stats(out: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    with (out / "locust_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"]


def report(args: argparse.Namespace, out: Path, verification: subprocess.CompletedProcess[str],
           loads: list[float], cpu: float,
           cpu_samples: list[tuple[float, dict[str, float]]] | None = None) -> int:
    total, rows = read_stats(out)
    requests = int(total["Request Count"])
    failures = int(total["Failure Count"])
    p50, p95, p99 = (float(total[k]) for k in ("50%", "95%", "99%"))
    rate = float(total["Requests/s"])
    summary = verification.stdout.strip().splitlines()
    counts = json.loads(summary[0]) if summary and summary[0].startswith("{") else {}
    writes = int(counts.get("writes", 0))
    verified = verification.returncode == 0 and writes > 0
    print(f"\n{'request':<34} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}")
    for row in sorted(rows, key=lambda r: -int(r["Request Count"])):
        print(f"{(row['Type'] + ' ' + row['Name'])[:34]:<34} {row['Request Count']:>7} "
              f"{row['Failure Count']:>5} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")
    failures_csv = out / "locust_failures.csv"
    if failures and failures_csv.exists():
        print("\nfailures:\n" + failures_csv.read_text()[:3000])
    print("\n" + "\n".join(summary[1:]))
    load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else f"{os.getloadavg()[0]:.1f}"
    result = {
        "users": args.users, "seconds": args.seconds, "requests": requests,
        "requests_per_second": round(rate, 1), "failures": failures,
        "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "writes": writes,
        "writes_verified": verified, "load_average_1m": load,
        "server_cpu_ms_per_request": round(1000 * cpu / requests, 1) if requests else None,
    }
    steady_file = out / "steady.json"
    steady = json.loads(steady_file.read_text()) if steady_file.exists() else {}
    split = cpu_split(cpu_samples or [], None)
    if split and requests:
        result["server_cpu_ms_per_request_by_process"] = {
            kind: round(1000 * seconds / requests, 1) for kind, seconds in sorted(split.items())}
    if steady.get("requests"):
        steady_cpu = cpu_split(cpu_samples or [], steady.get("started"))
        result["steady_state"] = {
            "requests": steady["requests"], "failures": steady["failures"],
            "p50_ms": steady["p50_ms"], "p95_ms": steady["p95_ms"], "p99_ms": steady["p99_ms"],
            "server_cpu_ms_per_request": round(
                1000 * sum(steady_cpu.values()) / steady["requests"], 1) if steady_cpu else None,
        }
    (out / "result.json").write_text(json.dumps(result, indent=2))
    print(f"\n{requests} requests, {rate:.1f} req/s, {failures} errors; "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; "
          f"{writes} writes {'all in the database' if verified else 'NOT all verified'}; "
          f"load average {load} (1 min, sampled during the run); "
          f"app CPU {result['server_cpu_ms_per_request']} ms a request")
    if "server_cpu_ms_per_request_by_process" in result:
        parts = ", ".join(f"{kind} {ms}" for kind, ms in
                          result["server_cpu_ms_per_request_by_process"].items())
        print(f"app CPU by process, ms a request (reaped children included): {parts}")
    if "steady_state" in result:
        s = result["steady_state"]
        print(f"steady state (for comparison only; the figures and the bar above count the "
              f"whole run, sign-ins included): after the last person started, "
              f"{s['requests']} requests, {s['failures']} errors; p50 {s['p50_ms']} ms, "
              f"p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms; app CPU "
              f"{s['server_cpu_ms_per_request']} ms a request")
    problems = []
    if failures:
        problems.append(f"{failures} errors")
    if not verified:
        problems.append("writes not verified" if writes else "no write was made")
    if args.p95_ms and p95 > args.p95_ms:
        problems.append(f"p95 {p95:.0f} ms is over {args.p95_ms:.0f} ms")
    print("PASSED" if not problems else "FAILED: " + "; ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
