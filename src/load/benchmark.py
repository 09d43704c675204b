#!/usr/bin/env python3
"""AgentGate benchmark: starts the packaged jar in prod mode on a fresh data directory and measures it.

Run through Maven (``./mvnw -Pload verify``, see src/docs/performance.md) or directly:
``python3 src/load/benchmark.py --jar target/quarkus-app/quarkus-run.jar``.

What it does, in order:
  1. launches the application with the launcher beside the jar (``target/quarkus-app/agentgate``), or
     ``java <java-opts> -jar quarkus-run.jar`` with ``--java-opts`` (prod profile, new temporary data directory, admin token,
     links secret, audit key and session key set, ``quarkus.mailer.mock=true`` so no mail leaves the process) and times
     launch -> ``/q/health/ready`` 200 (first start, so Flyway migrates an empty database);
  2. registers three agents through the admin API: ``bench-allowed`` (LOW, no approval rule), ``bench-pending``
     (LOW, approval required for every action, no named approvers so no mail is queued) and ``bench-granted`` (as
     bench-pending, with one approval that granted the same call for 7 days), all asking for
     ``search_knowledge_base``, which no built-in policy denies at any hour;
  3. reads RSS when idle (``/proc/PID/status`` VmRSS);
  4. drives ALLOWED, PENDING and then GRANTED (held by the review, passed by the grant) submissions with ``wrk`` (``src/load/submit.lua``), 32 keep-alive
     connections by default, after a short warm-up; prints req/s and p50/p99;
  5. holds 10,000 long-polls (``GET /api/v1/actions/{id}?wait=60``, one connection and one pending action each,
     asyncio client below) and reads the live heap before and after (``jcmd GC.class_histogram``, which collects
     first), printing the classes that grew most;
  6. while they are held, decides some of those actions one at a time through the admin API and times each
     long-poll's answer from the moment the decision was sent and from the decision's own answer;
  7. reads RSS after the load, restarts the server on the same database and times ready again, stops it and
     prints a block for the table in src/docs/performance.md.

Nothing here asserts a figure: it measures and prints. ``--smoke`` runs every step briefly (CI can run it).
"""
import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# 'default': the launcher the build ships beside the jar (target/quarkus-app/agentgate, src/main/launcher), which
# starts it with the production JVM options (src/docs/running.md); any other --java-opts runs java with exactly those.
LAUNCHER = "agentgate"

ADMIN_TOKEN = "bench-admin-token-0123456789abcdef"
LINKS_SECRET = "bench-links-secret-0123456789abcdef0123456789"
AUDIT_KEY = "bench-audit-key-0123456789abcdef0123456789"
SESSION_KEY = "bench-session-key-0123456789abcdef"
SUBMIT_BODY = json.dumps({"action": "search_knowledge_base", "context": {"query": "refund policy for damaged goods"}})


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default=env("BENCH_JAR", "target/quarkus-app/quarkus-run.jar"))
    p.add_argument("--port", type=int, default=int(env("BENCH_PORT", "18480")),
                   help="the server's port; with --db postgresql the second instance listens on port + 1")
    p.add_argument("--db", choices=("h2", "postgresql"), default=env("BENCH_DB", "h2") or "h2",
                   help="h2 (a new file database) or postgresql (the PostgreSQL build's jar on --pg-url, a database "
                        "the benchmark drops and creates, then drops again; adds the two-instance runs)")
    p.add_argument("--pg-url", default=env("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/agentgate_bench"),
                   help="with --db postgresql: the JDBC URL of the benchmark's own database (dropped and created)")
    p.add_argument("--pg-user", default=env("BENCH_PG_USER", "postgres"))
    p.add_argument("--duration", type=int, default=int(env("BENCH_DURATION", "30")),
                   help="seconds of each measured wrk run (ALLOWED, PENDING); default 30")
    p.add_argument("--warmup", type=int, default=int(env("BENCH_WARMUP", "10")),
                   help="seconds of wrk warm-up before each measured run; default 10")
    p.add_argument("--jit-warmup", type=int, default=int(env("BENCH_JIT_WARMUP", "60")),
                   help="seconds of load, ALLOWED and PENDING in turn (10 s each), after the start and before "
                        "the runs, so the JIT has compiled the request path; their figures are printed as the "
                        "cold ones; default 60, 0 for none")
    p.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "32")))
    p.add_argument("--threads", type=int, default=int(env("BENCH_THREADS", "2")), help="wrk threads")
    p.add_argument("--polls", type=int, default=int(env("BENCH_POLLS", "10000")), help="long-polls held at once")
    p.add_argument("--wakes", type=int, default=int(env("BENCH_WAKES", "300")), help="decisions timed for wake-up")
    p.add_argument("--java-opts", default=env("BENCH_JAVA_OPTS", "default"),
                   help="JVM options; 'default' = the launcher's (target/quarkus-app/agentgate), 'none' = no options")
    p.add_argument("--smoke", action="store_true", default=env("BENCH_SMOKE", "false").lower() == "true",
                   help="a short run of every step (2 s runs, 300 polls, 30 wakes): for CI, figures meaningless")
    p.add_argument("--decisions-only", action="store_true",
                   help="only the decision figures: decisions/s through the API, round trip, wake-up (no heap step)")
    p.add_argument("--start-only", action="store_true",
                   help="only launch, time ready, read idle RSS and stop (to compare JVM options)")
    p.add_argument("--nmt", action="store_true",
                   help="run the server with native memory tracking and print its summary after the load")
    p.add_argument("--keep", action="store_true", help="keep the temporary data directory and server log")
    p.add_argument("--top", type=int, default=int(env("BENCH_TOP", "20")),
                   help="how many classes of the long-poll heap growth to list")
    a = p.parse_args()
    if a.java_opts.strip() in ("", "default"):
        a.java_opts = LAUNCHER
    elif a.java_opts.strip() == "none":
        a.java_opts = ""
    if a.smoke:
        a.duration, a.warmup, a.jit_warmup, a.polls, a.wakes = 2, 1, 2, min(a.polls, 300), min(a.wakes, 30)
    return a


# ---- the server ---------------------------------------------------------------------------------------------------

class Server:
    def __init__(self, args, port=None):
        self.args = args
        self.port = port or args.port
        self.base = f"http://127.0.0.1:{self.port}"
        self.workdir = tempfile.mkdtemp(prefix="agentgate-bench-")
        self.log_path = os.path.join(self.workdir, "server.log")
        self.proc = None

    def start(self):
        jar = os.path.abspath(self.args.jar)
        if not os.path.exists(jar):
            sys.exit(f"no jar at {jar}: run ./mvnw package -DskipTests first (or ./mvnw -Pload verify)")
        env = dict(os.environ,
                   AGENTGATE_ADMIN_TOKEN=ADMIN_TOKEN,
                   AGENTGATE_LINKS_SECRET=LINKS_SECRET,
                   AGENTGATE_AUDIT_KEY=AUDIT_KEY,
                   QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY=SESSION_KEY,
                   QUARKUS_HTTP_PORT=str(self.port),
                   QUARKUS_HTTP_HOST="127.0.0.1",
                   QUARKUS_MAILER_MOCK="true",
                   QUARKUS_PROFILE="prod")
        # the held-poll limits (src/docs/security.md, "Held requests"): at -Xmx160m their defaults allow a few
        # hundred per agent, and the long-poll step holds --polls of one agent on purpose, so it sets them to that
        # (an operator's choice too)
        env.setdefault("AGENTGATE_LIMITS_HELD_POLLS_PER_AGENT", str(self.args.polls + 100))
        env.setdefault("AGENTGATE_LIMITS_HELD_POLLS_TOTAL", str(self.args.polls + 200))
        # as the README's production command: glibc's malloc keeps at most two arenas (see src/docs/deploy.md)
        env.setdefault("MALLOC_ARENA_MAX", "2")
        for inherited in ("AGENTGATE_GOVERNANCE_FILE", "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME"):
            env.pop(inherited, None)
        # as the README's production command: from the application's directory (the AppCDS archive names the jar
        # relative to it), the H2 database in a new directory of its own, or the benchmark's PostgreSQL database
        if self.args.db == "postgresql":
            env["QUARKUS_DATASOURCE_JDBC_URL"] = self.args.pg_url
            env["QUARKUS_DATASOURCE_USERNAME"] = self.args.pg_user
        else:
            env["QUARKUS_DATASOURCE_JDBC_URL"] = f"jdbc:h2:file:{self.workdir}/data/agentgate"
        app_dir = os.path.dirname(jar)
        nmt = ["-XX:NativeMemoryTracking=summary"] if self.args.nmt else []
        if self.args.java_opts == LAUNCHER:
            launcher = os.path.join(app_dir, LAUNCHER)
            if not os.access(launcher, os.X_OK):
                sys.exit(f"no launcher at {launcher}: package again (./mvnw package -DskipTests), or pass --java-opts")
            # it runs java from the application's directory with its options, then JAVA_OPTS (exec: same pid)
            env["JAVA_OPTS"] = " ".join(nmt)
            cmd = [launcher]
        else:
            opts = self.args.java_opts.split()
            if any(o.startswith("-XX:SharedArchiveFile=") for o in opts) and not os.path.exists(
                    os.path.join(app_dir, "app-cds.jsa")):
                log("no app-cds.jsa beside the jar (built with -Dappcds.training.skip=true): running without it")
                opts = [o for o in opts if not o.startswith("-XX:SharedArchiveFile=")]
            cmd = ["java", *nmt, *opts, "-jar", os.path.basename(jar)]
        fresh = self.args.db == "postgresql" or not os.path.exists(os.path.join(self.workdir, "data"))
        log(f"launch: {' '.join(cmd)} (cwd {app_dir}, database {env['QUARKUS_DATASOURCE_JDBC_URL']}, "
            f"{'new' if fresh else 'existing'})")
        # a server left running on the port (another benchmark, a developer's instance) would answer for this one
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                sys.exit(f"something already listens on 127.0.0.1:{self.port}: stop it, or pass --port "
                         f"(-Dload.port=...)")
        out = open(self.log_path, "ab")
        started = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=app_dir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     preexec_fn=raise_open_files)
        deadline = started + 300  # a loaded machine (a shared CI runner) can take minutes
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.args.keep = True  # the log says why
                sys.exit(f"server exited with {self.proc.returncode}; log: {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/q/health/ready", timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.01)
        self.args.keep = True
        sys.exit(f"not ready after 300 s; log: {self.log_path}")

    def cpu_seconds(self):
        """CPU time the server has used (user + system): comparable across runs on a busy machine."""
        return process_cpu_seconds(self.proc.pid)

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def live_heap(self):
        """Live heap in bytes after a full collection, with the class histogram (jcmd collects before counting)."""
        out = subprocess.run(["jcmd", str(self.proc.pid), "GC.class_histogram"], capture_output=True, text=True,
                             timeout=120).stdout
        classes = {}
        total = 0
        for line in out.splitlines():
            m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
            if m:
                classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
            m = re.match(r"Total\s+(\d+)\s+(\d+)", line)
            if m:
                total = int(m.group(2))
        return total, classes

    def restart(self):
        """Stops the server and starts it again on the same database: time to ready without the first migration."""
        self.terminate()
        return self.start()

    def terminate(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def stop(self):
        self.terminate()
        if not self.args.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            log(f"kept {self.workdir}")


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def http(base, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def register_agents(server):
    keys = {}
    for name, approval in (("bench-allowed", {"required": False}),
                           ("bench-pending", {"required": True, "approvers": [], "requiredApprovals": 1,
                                              "timeoutSeconds": 3600})):
        status, agent = http(server.base, "POST", "/api/v1/agents", ADMIN_TOKEN, {
            "name": name, "displayName": f"Benchmark {name}", "riskLevel": "LOW",
            "capabilities": {"writeData": False, "sendExternalMessages": False, "executeCode": False,
                             "financialTransactions": False},
            "maxTransactionAmount": 0, "allowedActions": None, "approval": approval})
        if status != 201:
            sys.exit(f"registering {name}: {status} {agent}")
        keys[name] = agent["apiKey"]
    for name, expected in (("bench-allowed", 200), ("bench-pending", 202)):
        status, answer = http(server.base, "POST", "/api/v1/actions", keys[name], json.loads(SUBMIT_BODY))
        if status != expected:
            sys.exit(f"{name} answered {status} {answer}, expected {expected}")
    keys["bench-granted"] = granted_agent(server)
    return keys


def granted_agent(server):
    """bench-granted: every action needs approval, and one approval of SUBMIT_BODY granted the same call for 7 days,
    so each measured submission is held by the review and passes by the grant (the GRANTED run)."""
    status, agent = http(server.base, "POST", "/api/v1/agents", ADMIN_TOKEN, {
        "name": "bench-granted", "displayName": "Benchmark bench-granted", "riskLevel": "LOW",
        "approval": {"required": True, "approvers": [], "requiredApprovals": 1, "timeoutSeconds": 3600}})
    if status != 201:
        sys.exit(f"registering bench-granted: {status} {agent}")
    key = agent["apiKey"]
    status, held = http(server.base, "POST", "/api/v1/actions", key, json.loads(SUBMIT_BODY))
    if status != 202:
        sys.exit(f"bench-granted answered {status} {held}, expected 202")
    status, decided = http(server.base, "POST", f"/api/v1/actions/{held['id']}/decision", ADMIN_TOKEN, {
        "decision": "APPROVED", "decidedBy": "benchmark",
        "grant": {"scope": "same-arguments", "for": "P7D"}})
    if status != 200 or not decided.get("grantId"):
        sys.exit(f"granting for bench-granted: {status} {decided}")
    status, passed = http(server.base, "POST", "/api/v1/actions", key, json.loads(SUBMIT_BODY))
    if status != 200 or passed.get("grantId") != decided["grantId"]:
        sys.exit(f"bench-granted did not pass by its grant: {status} {passed}")
    return key


# ---- wrk ----------------------------------------------------------------------------------------------------------

def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk is missing: apt-get install -y wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "wrk"], check=False)
    if not shutil.which("wrk"):
        subprocess.run(sudo + ["apt-get", "update"], check=False)
        subprocess.run(sudo + ["apt-get", "install", "-y", "wrk"], check=True)


def wrk_command(server, key, expect, seconds, connections=None):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "submit.lua")
    env = dict(os.environ, BENCH_KEY=key, BENCH_BODY=SUBMIT_BODY, BENCH_EXPECT=str(expect))
    a = server.args
    return ["wrk", f"-t{a.threads}", f"-c{connections or a.connections}", f"-d{seconds}s", "--timeout", "10s",
            "-s", script, server.base], env


def wrk(server, key, expect, seconds):
    cmd, env = wrk_command(server, key, expect, seconds)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 60).stdout
    return wrk_result(out)


def wrk_result(out):
    line = next((l for l in out.splitlines() if l.startswith("BENCH requests=")), None)
    if line is None:
        sys.exit(f"wrk printed no result:\n{out}")
    r = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    for l in out.splitlines():
        if l.startswith("BENCH first-unexpected"):
            log(l)
    return r


def jit_warmup(server, keys):
    """Load right after the start, ALLOWED and PENDING in turn: what the first minute gets, before the JIT is done."""
    a = server.args
    cold = []
    kinds = (("ALLOWED", keys["bench-allowed"], 200), ("PENDING", keys["bench-pending"], 202))
    step = 2 if a.smoke else 10
    for i in range(max(0, a.jit_warmup) // step):
        label, key, expect = kinds[i % 2]
        r = wrk(server, key, expect, step)
        cold.append((label, r))
        log(f"JIT warm-up {i + 1}, {label}: {r['rps']:.0f} req/s, p50 {r['p50_us'] / 1000:.1f} ms, "
            f"p99 {r['p99_us'] / 1000:.1f} ms, {r['unexpected']} unexpected answers")
    return cold


def run_wrk(server, label, key, expect):
    a = server.args
    if a.warmup:
        wrk(server, key, expect, a.warmup)
    cpu = cpu_sample([server])
    r = wrk(server, key, expect, a.duration)
    cpu_per_request(r, cpu, [server])
    log(f"{label}: {r['rps']:.0f} req/s, p50 {r['p50_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms, "
        f"max {r['max_us'] / 1000:.0f} ms, {r['requests']} requests, {r['unexpected']} unexpected answers, "
        f"{r['errors']} socket errors; CPU per request {cpu_words(r)}")
    return r


def cpu_sample(servers):
    """CPU seconds used so far by the servers, and by the PostgreSQL backends of the benchmark's database."""
    return sum(s.cpu_seconds() for s in servers), pg_cpu_seconds(servers[0].args)


def cpu_per_request(r, before, servers):
    app, db = cpu_sample(servers)
    r["app_cpu_us"] = int((app - before[0]) * 1e6 / max(r["requests"], 1))
    r["db_cpu_us"] = int((db - before[1]) * 1e6 / max(r["requests"], 1)) if servers[0].args.db == "postgresql" else 0


def cpu_words(r):
    """CPU time per request: the figure a loaded machine changes least."""
    words = f"{r['app_cpu_us']} us in the JVM"
    return words + (f" + {r['db_cpu_us']} us in PostgreSQL" if r.get("db_cpu_us") else "")


# ---- PostgreSQL: the benchmark's own database, its backends' CPU, two instances on it ------------------------------

def pg_parts(args):
    m = re.match(r"jdbc:postgresql://([^:/?]+)(?::(\d+))?/([A-Za-z0-9_]+)$", args.pg_url)
    if not m:
        sys.exit(f"--pg-url must look like jdbc:postgresql://host[:port]/name (a name of letters, digits, _): "
                 f"{args.pg_url}")
    return m.group(1), m.group(2) or "5432", m.group(3)


def psql(args, sql):
    host, port, _ = pg_parts(args)
    return subprocess.run(["psql", "-h", host, "-p", port, "-U", args.pg_user, "-d", "postgres", "-v",
                           "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, check=True).stdout


def fresh_pg_database(args):
    name = pg_parts(args)[2]
    log(f"PostgreSQL: database {name} dropped and created for this run")
    psql(args, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(args, f'CREATE DATABASE "{name}"')


def drop_pg_database(args):
    name = pg_parts(args)[2]
    if args.keep:
        log(f"kept the PostgreSQL database {name}")
        return
    psql(args, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_cpu_seconds(args):
    """CPU seconds of the server processes now connected to the benchmark's database (PostgreSQL on this machine)."""
    if args.db != "postgresql":
        return 0.0
    name = pg_parts(args)[2]
    total = 0.0
    for pid in psql(args, f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}'").split():
        try:
            total += process_cpu_seconds(int(pid))
        except (OSError, ValueError):
            pass  # a backend that ended meanwhile
    return total


def both_wrk(servers, key, expect, seconds):
    """wrk against every server at once, the connections split evenly: the sum of req/s, the worse p50 and p99."""
    a = servers[0].args
    share = max(1, a.connections // len(servers))
    procs = []
    for s in servers:
        cmd, env = wrk_command(s, key, expect, seconds, share)
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env))
    each = [wrk_result(p.communicate(timeout=seconds + 60)[0]) for p in procs]
    r = {k: sum(x[k] for x in each) for k in ("requests", "unexpected", "errors")}
    r.update({k: max(x[k] for x in each) for k in ("duration_us", "p50_us", "p90_us", "p99_us", "max_us")})
    r["rps"] = sum(x["rps"] for x in each)
    r["each"] = [x["rps"] for x in each]
    return r


def two_instances(first, keys):
    """A second instance on the same database beside the first; both together take ALLOWED, then PENDING, each
    instance half the connections (as a load balancer would split them)."""
    a = first.args
    second = Server(a, a.port + 1)
    results = {}
    try:
        ready = second.start()
        log(f"second instance ready {ready:.2f} s after launch (pid {second.proc.pid}), same database")
        servers = [first, second]
        # the second instance's JIT has seen no load yet: warm both up for as long as the first one's warm-up ran
        warm = 2 if a.smoke else max(a.warmup, a.jit_warmup // 2)
        for label, key, expect in (("ALLOWED", keys["bench-allowed"], 200), ("PENDING", keys["bench-pending"], 202)):
            both_wrk(servers, key, expect, warm)
            cpu = cpu_sample(servers)
            r = both_wrk(servers, key, expect, a.duration)
            cpu_per_request(r, cpu, servers)
            log(f"two instances, {label}: {r['rps']:.0f} req/s in total ({' + '.join(f'{x:.0f}' for x in r['each'])}),"
                f" worse instance's p50 {r['p50_us'] / 1000:.1f} ms p99 {r['p99_us'] / 1000:.1f} ms, "
                f"max {r['max_us'] / 1000:.0f} ms, {r['unexpected']} unexpected answers, {r['errors']} socket errors;"
                f" CPU per request {cpu_words(r)}")
            results[label] = r
        status, verify = http(first.base, "GET", "/api/v1/audit/verify", ADMIN_TOKEN)
        results["verify"] = verify if status == 200 else f"HTTP {status}: {verify}"
        log(f"audit chain after the two-instance runs: {results['verify']}")
    finally:
        second.stop()
    return results


# ---- long-polls ---------------------------------------------------------------------------------------------------

async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    at = time.monotonic()
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    length = int(m.group(1)) if m else 0
    body = await reader.readexactly(length) if length else b""
    return at, status, body


def request_bytes(method, path, token, port, body=None):
    payload = json.dumps(body).encode() if body is not None else b""
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
    return head.encode() + payload


def pending_ids(server, count):
    """Up to `count` pending actions of bench-pending, read through the admin list (newest first)."""
    ids = []
    page = 0
    while len(ids) < count:
        status, body = http(server.base, "GET", f"/api/v1/actions?status=PENDING&agent=bench-pending&size=200"
                                                f"&page={page}", ADMIN_TOKEN)
        if status != 200:
            sys.exit(f"listing pending actions: {status} {body}")
        ids += [a["id"] for a in body["items"]]
        if not body["hasMore"]:
            break
        page += 1
    # offset pages of rows created in the same instant can repeat a row: keep each id once
    return list(dict.fromkeys(ids))[:count]


async def create_pending(server, key, count):
    """Submits `count` PENDING actions over 32 keep-alive connections; returns their ids."""
    ids = []
    per = -(-count // 32)

    async def worker(n):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.args.port)
        for _ in range(n):
            writer.write(request_bytes("POST", "/api/v1/actions", key, server.args.port, json.loads(SUBMIT_BODY)))
            _, status, body = await read_response(reader)
            if status != 202:
                raise RuntimeError(f"submit answered {status} {body[:200]}")
            ids.append(json.loads(body)["id"])
        writer.close()

    await asyncio.gather(*(worker(min(per, count - i * per)) for i in range(32) if count - i * per > 0))
    return ids


async def hold_polls(server, keys, ids, wakes):
    """Opens one long-poll per id, measures the heap they hold, then decides `wakes` of them and times the wake-up."""
    port, key = server.args.port, keys["bench-pending"]
    answered = {}
    conns = {}

    async def poll(action_id):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        conns[action_id] = writer
        writer.write(request_bytes("GET", f"/api/v1/actions/{action_id}?wait=60", key, port))
        await writer.drain()
        at, status, body = await read_response(reader)
        answered[action_id] = (at, status, body)

    tasks = []
    for i in range(0, len(ids), 500):  # open in slices so the accept queue keeps up
        tasks += [asyncio.create_task(poll(i_d)) for i_d in ids[i:i + 500]]
        await asyncio.sleep(0.05)
    opened_by = time.monotonic() + 120
    while len(conns) < len(ids) and time.monotonic() < opened_by:
        failed = next((t for t in tasks if t.done() and not t.cancelled() and t.exception()), None)
        if failed:
            raise RuntimeError(f"a long-poll failed: {failed.exception()!r}")
        await asyncio.sleep(0.1)
    if len(conns) < len(ids):
        raise RuntimeError(f"only {len(conns)} of {len(ids)} long-polls connected within 120 s")
    # let the server read and register the last requests: until it is idle for a second (at most 30 s)
    settled_by = time.monotonic() + 30
    await asyncio.sleep(1)
    while time.monotonic() < settled_by:
        before = server.cpu_seconds()
        await asyncio.sleep(1)
        if server.cpu_seconds() - before < 0.1:
            break
    early = len(answered)
    if early:
        log(f"{early} long-polls answered before any decision (expected 0)")
    loop = asyncio.get_running_loop()
    heap_after, classes_after = await loop.run_in_executor(None, server.live_heap)
    still_open = len(ids) - len(answered)

    from_sent, from_answer, decision_rtt = await wake_ups(port, ids[:wakes], answered)
    for t in tasks:
        t.cancel()
    for w in conns.values():
        w.close()
    await asyncio.gather(*tasks, return_exceptions=True)
    # the heap again once the polls are gone: the database pages their reads cached stay, so held - released is
    # what the held polls themselves keep. First wait until the server has seen the connections close.
    closed_by = time.monotonic() + 60
    while server_connections(port) > 5 and time.monotonic() < closed_by:
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)
    settled_by = time.monotonic() + 30
    while time.monotonic() < settled_by:
        before = server.cpu_seconds()
        await asyncio.sleep(1)
        if server.cpu_seconds() - before < 0.1:
            break
    heap_released, classes_released = await loop.run_in_executor(None, server.live_heap)
    return (heap_after, classes_after, heap_released, classes_released, still_open, from_sent, from_answer,
            decision_rtt)


async def wake_ups(port, ids, answered):
    """Decides held actions one at a time on a keep-alive connection of its own; times each decision's round trip
    and its long-poll's answer (`answered`: id -> (arrival, status, body), filled by the polls)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    from_sent, from_answer, decision_rtt = [], [], []
    for action_id in ids:
        sent = time.monotonic()
        writer.write(request_bytes("POST", f"/api/v1/actions/{action_id}/decision", ADMIN_TOKEN, port,
                                   {"decision": "APPROVED", "decidedBy": "bench", "comment": "benchmark"}))
        decided_at, status, body = await read_response(reader)
        if status != 200:
            raise RuntimeError(f"decision answered {status} {body[:200]}")
        for _ in range(500):
            if action_id in answered:
                break
            await asyncio.sleep(0.001)
        else:
            raise RuntimeError(f"long-poll for {action_id} not answered 0.5 s after its decision")
        at, status, body = answered[action_id]
        if status != 200 or json.loads(body)["status"] != "APPROVED":
            raise RuntimeError(f"long-poll answered {status} {body[:200]}")
        from_sent.append((at - sent) * 1000)
        from_answer.append((at - decided_at) * 1000)
        decision_rtt.append((decided_at - sent) * 1000)
        await asyncio.sleep(0.005)
    writer.close()
    return from_sent, from_answer, decision_rtt


async def held_wake_ups(server, key, ids):
    """The wake-up step alone (--decisions-only): one long-poll per id, then `wake_ups` over them."""
    port, answered, conns = server.args.port, {}, []

    async def poll(action_id):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        conns.append(writer)
        writer.write(request_bytes("GET", f"/api/v1/actions/{action_id}?wait=60", key, port))
        await writer.drain()
        answered[action_id] = await read_response(reader)

    tasks = [asyncio.create_task(poll(i)) for i in ids]
    while len(conns) < len(ids):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # let the server register the last polls
    try:
        return await wake_ups(port, ids, answered)
    finally:
        for t in tasks:
            t.cancel()
        for w in conns:
            w.close()
        await asyncio.gather(*tasks, return_exceptions=True)


def decide_many(server, ids, seconds, label):
    """Approves pending actions through the API with wrk (src/load/decide.lua), each once: decisions/s, p50/p99."""
    a = server.args
    if not ids:
        log(f"{label}: no pending actions left to decide")
        return dict(requests=0, rps=0.0, p50_us=0, p99_us=0, unexpected=0, exhausted=0)
    with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as f:
        f.write("\n".join(ids) + "\n")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "decide.lua")
    env = dict(os.environ, BENCH_TOKEN=ADMIN_TOKEN, BENCH_IDS=f.name, BENCH_THREADS=str(a.threads))
    try:
        out = subprocess.run(["wrk", f"-t{a.threads}", f"-c{a.connections}", f"-d{seconds}s", "--timeout", "10s",
                              "-s", script, server.base], capture_output=True, text=True, env=env,
                             timeout=seconds + 60).stdout
    finally:
        os.unlink(f.name)
    line = next((l for l in out.splitlines() if l.startswith("BENCH requests=")), None)
    if line is None:
        sys.exit(f"wrk printed no result:\n{out}")
    r = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    r["rps"] = (r["requests"] - r["unexpected"]) / (r["duration_us"] / 1e6)
    log(f"{label}: {r['rps']:.0f} decisions/s, p50 {r['p50_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms, "
        f"{r['requests']} requests, {r['unexpected']} not 200 ({r['exhausted']} after the ids ran out)")
    for l in out.splitlines():
        if l.startswith("BENCH first-unexpected"):
            log(l)
    return r


def decision_figures(server, keys, ids):
    """The decision step: wake-ups timed one at a time, then decisions/s through the API (after a warm-up run)."""
    a = server.args
    wakes, rest = ids[:a.wakes], ids[a.wakes:]
    warm, measured = rest[:len(rest) // 3], rest[len(rest) // 3:]
    seconds = 2 if a.smoke else 5
    decide_many(server, warm, seconds, "decisions through the API, warm-up")
    from_sent, from_answer, rtt = asyncio.run(held_wake_ups(server, keys["bench-pending"], wakes))
    log(f"wake-up over {len(from_sent)} decisions: from the decision sent p50 {percentile(from_sent, 50):.1f} ms "
        f"p99 {percentile(from_sent, 99):.1f} ms; from the decision's answer p50 {percentile(from_answer, 50):.1f} ms "
        f"p99 {percentile(from_answer, 99):.1f} ms; decision round trip p50 {percentile(rtt, 50):.1f} ms "
        f"p99 {percentile(rtt, 99):.1f} ms")
    through = decide_many(server, measured, seconds, "decisions through the API")
    return dict(from_sent=from_sent, from_answer=from_answer, rtt=rtt, through=through)


def server_connections(port):
    """Established TCP connections whose local port is the server's (from /proc/net/tcp and tcp6)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if fields[1].endswith(f":{port:04X}") and fields[3] == "01":
                        count += 1
        except OSError:
            pass
    return count


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


# ---- main ---------------------------------------------------------------------------------------------------------

def main():
    args = parse_args()
    raise_open_files()
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < args.polls + 1000:
        sys.exit(f"open-files limit {resource.getrlimit(resource.RLIMIT_NOFILE)} is below {args.polls + 1000}: "
                 f"raise it (ulimit -Hn) or pass --polls")
    ensure_wrk()
    load_before = os.getloadavg()
    if args.db == "postgresql":
        fresh_pg_database(args)
    server = Server(args)
    results = {}
    two = None
    try:
        ready = server.start()
        ready_cpu = server.cpu_seconds()
        log(f"ready {ready:.2f} s after launch (pid {server.proc.pid}), {ready_cpu:.1f} s of CPU used by then")
        keys = register_agents(server)
        time.sleep(5)
        rss_idle, _ = server.rss_mb()
        log(f"RSS idle {rss_idle:.0f} MB")
        if args.start_only:
            results = None
            return
        if args.decisions_only:
            # pending actions to decide: a PENDING run's worth (1 h timeout, so they stay pending)
            made = wrk(server, keys["bench-pending"], 202, args.duration)
            log(f"{made['requests']} pending actions submitted for the decision step")
            figures = decision_figures(server, keys, pending_ids(server, args.wakes + 60000))
            report_decisions(args, figures, load_before, os.getloadavg())
            results = None
            return
        cold = jit_warmup(server, keys)
        allowed = run_wrk(server, "ALLOWED", keys["bench-allowed"], 200)
        pending = run_wrk(server, "PENDING", keys["bench-pending"], 202)
        granted = run_wrk(server, "GRANTED", keys["bench-granted"], 200)
        rss_load, hwm_load = server.rss_mb()
        log(f"RSS after wrk {rss_load:.0f} MB (peak {hwm_load:.0f} MB)")
        if args.db == "postgresql":
            two = two_instances(server, keys)

        ids = pending_ids(server, args.polls)  # the PENDING run's actions, still pending (1 h timeout)
        if len(ids) < args.polls:
            ids = list(dict.fromkeys(ids + asyncio.run(
                create_pending(server, keys["bench-pending"], args.polls - len(ids)))))
        heap_before, classes_before = server.live_heap()
        log(f"live heap with {len(ids)} pending actions and no long-poll: {heap_before / 2**20:.1f} MiB")
        heap_after, classes_after, heap_released, classes_before, held, from_sent, from_answer, rtt = asyncio.run(
            hold_polls(server, keys, ids, args.wakes))
        added = heap_after - heap_released
        log(f"live heap with {held} held long-polls: {heap_after / 2**20:.1f} MiB; after they were answered or "
            f"closed: {heap_released / 2**20:.1f} MiB; held polls keep {added / 2**20:.1f} MiB, "
            f"{added / max(held, 1) / 1024:.2f} KiB per poll (growth over the heap before them: "
            f"{(heap_after - heap_before) / 2**20:.1f} MiB, which includes database pages their reads cached)")
        grew = sorted(((classes_after.get(c, (0, 0))[1] - classes_before.get(c, (0, 0))[1],
                        classes_after.get(c, (0, 0))[0] - classes_before.get(c, (0, 0))[0], c)
                       for c in set(classes_after) | set(classes_before)), reverse=True)[:args.top]
        log("what held polls keep, by class (bytes and instances per poll, against the heap after they were gone):")
        for size, count, name in grew:
            print(f"    {size / max(held, 1):8.0f} B  {count / max(held, 1):6.2f}  {name}")
        log(f"wake-up over {len(from_sent)} decisions with the long-polls held: "
            f"from the decision sent p50 {percentile(from_sent, 50):.1f} ms p99 {percentile(from_sent, 99):.1f} ms; "
            f"from the decision's answer p50 {percentile(from_answer, 50):.1f} ms "
            f"p99 {percentile(from_answer, 99):.1f} ms; decision round trip p50 {percentile(rtt, 50):.1f} ms "
            f"p99 {percentile(rtt, 99):.1f} ms")
        through = decide_many(server, ids[args.wakes:], 1 if args.smoke else 2, "decisions through the API")
        time.sleep(3)
        rss_after, hwm_after = server.rss_mb()
        log(f"RSS after the load {rss_after:.0f} MB (peak {hwm_after:.0f} MB)")
        if args.nmt:
            print(subprocess.run(["jcmd", str(server.proc.pid), "VM.native_memory", "summary"], capture_output=True,
                                 text=True, timeout=60).stdout)
        restart = server.restart()
        restart_cpu = server.cpu_seconds()
        log(f"ready {restart:.2f} s after a restart on the same database ({restart_cpu:.1f} s of CPU)")
        results = dict(cold=cold, restart=restart, restart_cpu=restart_cpu, ready=ready, ready_cpu=ready_cpu, rss_idle=rss_idle, rss_load=rss_load, allowed=allowed, pending=pending, granted=granted, held=held, added=added,
                       from_sent=from_sent, from_answer=from_answer, rtt=rtt, through=through, rss_after=rss_after,
                       hwm=hwm_after)
    finally:
        server.stop()
        if args.db == "postgresql":
            drop_pg_database(args)
    if results:
        results["two"] = two
        report(args, results, load_before, os.getloadavg())


def report(args, r, load_before, load_after):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    mib = 2 ** 20
    def sub(x):
        return f"{x['rps']:,.0f} req/s, p50 {x['p50_us'] / 1000:.1f} ms, p99 {x['p99_us'] / 1000:.1f} ms" + (
            f" ({x['unexpected']} unexpected answers)" if x["unexpected"] else "")
    print()
    print("---- paste into src/docs/performance.md ----")
    jvm = "the launcher `agentgate` (its JVM options)" if args.java_opts == LAUNCHER else f"JVM options `{args.java_opts}`"
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit or '?'}, "
          f"{os.cpu_count()} cores, load average {load_before[0]:.1f} before / {load_after[0]:.1f} after, "
          f"{jvm}, wrk -t{args.threads} -c{args.connections}, "
          f"database {'PostgreSQL (' + pg_parts(args)[2] + ')' if args.db == 'postgresql' else 'H2 file'}, "
          f"{args.jit_warmup} s of JIT warm-up after the start (ALLOWED and PENDING in turn), then "
          f"{args.warmup} s warm-up + {args.duration} s per run{' (SMOKE RUN: figures meaningless)' if args.smoke else ''}.")
    if r["cold"]:
        print(f"The JIT warm-up's runs, right after the start ({2 if args.smoke else 10} s each): " + "; ".join(
            f"{label} {x['rps']:,.0f} req/s p99 {x['p99_us'] / 1000:.0f} ms" for label, x in r["cold"]) + ".")
    print()
    print("| what | measured | target |")
    print("|---|---|---|")
    print(f"| ALLOWED submissions, {args.connections} connections | {sub(r['allowed'])} | >= 5,000 req/s, p99 <= 50 ms |")
    print(f"| PENDING submissions, {args.connections} connections | {sub(r['pending'])} | >= 3,500 req/s, p99 <= 50 ms |")
    print(f"| GRANTED submissions (held by a review, passed by a grant), {args.connections} connections | "
          f"{sub(r['granted'])} | no more than ALLOWED costs |")
    if r.get("two"):
        for label, target in (("ALLOWED", ">= 1.6x one instance, p99 <= 50 ms"),
                              ("PENDING", ">= 1.6x one instance, p99 <= 50 ms")):
            x, one = r["two"][label], r[label.lower()]
            print(f"| two instances on one PostgreSQL, {label}, {args.connections // 2} connections each | "
                  f"{x['rps']:,.0f} req/s in total ({x['rps'] / max(one['rps'], 1):.2f}x one instance), worse "
                  f"instance's p99 {x['p99_us'] / 1000:.1f} ms" + (f" ({x['unexpected']} unexpected answers)"
                                                                   if x["unexpected"] else "") + f" | {target} |")
    print(f"| heap added by {r['held']:,} held long-polls | {r['added'] / mib:.1f} MiB "
          f"({r['added'] / max(r['held'], 1) / 1024:.2f} KiB each) | <= 64 MiB for 10,000 (<= 6.5 KiB each) |")
    print(f"| long-poll wake-up, {len(r['from_sent'])} decisions | from the decision's answer p50 "
          f"{percentile(r['from_answer'], 50):.1f} ms, p99 {percentile(r['from_answer'], 99):.1f} ms; from the "
          f"decision sent p50 {percentile(r['from_sent'], 50):.1f} ms, p99 {percentile(r['from_sent'], 99):.1f} ms "
          f"| p99 <= 20 ms after the commit |")
    decision_rows(r)
    print(f"| ready after launch (first start, migrations) | {r['ready']:.2f} s ({r['ready_cpu']:.1f} s of CPU) | <= 3 s |")
    print(f"| ready after a restart (same database, after the load) | {r['restart']:.2f} s "
          f"({r['restart_cpu']:.1f} s of CPU) | <= 3 s |")
    print(f"| RSS idle / after the submissions / after the long-polls too | {r['rss_idle']:.0f} MB / "
          f"{r['rss_load']:.0f} MB / {r['rss_after']:.0f} MB (peak {r['hwm']:.0f} MB) "
          f"| <= 250 MB idle / <= 400 MB after the load |")
    print("---- end ----")


def decision_rows(r):
    """The decision figures' rows of the README's table (issue 23's targets)."""
    t = r["through"]
    print(f"| decisions through the API (admin token, each action once) | {t['rps']:,.0f} decisions/s, p50 "
          f"{t['p50_us'] / 1000:.1f} ms, p99 {t['p99_us'] / 1000:.1f} ms"
          f"{' (ran out of pending actions: %d extra answers)' % t['exhausted'] if t['exhausted'] else ''} "
          f"| >= 3,000 decisions/s |")
    print(f"| decision round trip, one at a time, {len(r['rtt'])} decisions | p50 {percentile(r['rtt'], 50):.1f} ms, "
          f"p99 {percentile(r['rtt'], 99):.1f} ms | p99 <= 10 ms |")


def report_decisions(args, r, load_before, load_after):
    """--decisions-only: the decision figures alone."""
    print()
    print("---- decision figures ----")
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load average "
          f"{load_before[0]:.1f} before / {load_after[0]:.1f} after, wrk -t{args.threads} -c{args.connections}"
          f"{' (SMOKE RUN: figures meaningless)' if args.smoke else ''}.")
    print("| what | measured | target |")
    print("|---|---|---|")
    decision_rows(r)
    print(f"| long-poll wake-up, {len(r['from_sent'])} decisions | from the decision's answer p50 "
          f"{percentile(r['from_answer'], 50):.1f} ms, p99 {percentile(r['from_answer'], 99):.1f} ms; from the "
          f"decision sent p50 {percentile(r['from_sent'], 50):.1f} ms, p99 {percentile(r['from_sent'], 99):.1f} ms "
          f"| p99 <= 5 ms after the commit |")
    print("---- end ----")


if __name__ == "__main__":
    main()
