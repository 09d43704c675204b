#!/usr/bin/env python3
"""Static checks of the operations kit that need neither Docker nor a running Prometheus.

  python3 docker/check_ops_kit.py   (from anywhere; needs PyYAML, and promtool on PATH)

- compose.yml: the services (two app replicas behind an nginx proxy), build args, required
  secrets, health checks, dependencies, ports, and that every file it mounts exists;
- nginx/agentgate.conf: both replicas upstream, live updates unbuffered, long-polls not cut,
  client address forwarded, no POST re-sent; prometheus.yml scrapes every replica;
- the Grafana dashboard: valid JSON, unique panel ids, every query on the ${datasource}
  variable, only metric names AgentGate exports, and every PromQL query parsed by promtool;
- the Grafana provisioning: the data source uid the dashboard expects, the dashboard path
  compose mounts;
- alerts.yml: every alert has summary, description and a runbook_url into the repository's
  runbook (.../blob/main/src/docs/runbook.md#anchor) whose anchor is a heading of that file.
Exits 1 with one line per problem.
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

DOCKER = pathlib.Path(__file__).resolve().parent
ROOT = DOCKER.parent
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)
    return ok


# Metric families the kit may query: the contract's, the ones announced for mail and the
# policy engine, and the standard Quarkus/Micrometer ones.
EXPORTED = {
    "ai_agent_actions_total",
    "ai_agent_policy_violations_total",
    "ai_agent_approval_requests_total",
    "ai_agent_pending_actions",
    "ai_agent_decision_latency_seconds_bucket",
    "ai_agent_decision_latency_seconds_count",
    "ai_agent_decision_latency_seconds_sum",
    "ai_agent_policy_evaluation_seconds_bucket",
    "ai_agent_policy_evaluation_seconds_count",
    "ai_agent_policy_evaluation_seconds_sum",
    "agentgate_mail_outbox_pending",
    "agentgate_mail_failures_total",
    "http_server_requests_seconds_count",
    "http_server_requests_seconds_sum",
    "http_server_requests_seconds_max",
    "jvm_memory_used_bytes",
}
OURS = re.compile(r"\b((?:ai_agent|agentgate|http_server|jvm|process)_[a-zA-Z0-9_]+)")


def metric_names(expr):
    return set(OURS.findall(expr))


def github_slug(heading):
    """The anchor GitHub gives a Markdown heading."""
    slug = heading.strip().lower()
    slug = re.sub(r"[^\w\- ]", "", slug)
    return slug.replace(" ", "-")


# ---- compose.yml -------------------------------------------------------------------------------
compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
services = compose.get("services", {})
APPS = ("app1", "app2")
check(set(services) == {*APPS, "proxy", "postgres", "mailpit", "prometheus", "grafana"},
      f"compose services are {sorted(services)}")

for name in APPS:
    app = services.get(name, {})
    check(app.get("build", {}).get("dockerfile") == "docker/Dockerfile", f"{name} is not built from docker/Dockerfile")
    check(app.get("build", {}).get("args", {}).get("DB_KIND") == "postgresql",
          f"{name} is not built with DB_KIND=postgresql")
    env = app.get("environment", {})
    for secret in ("AGENTGATE_ADMIN_TOKEN", "AGENTGATE_LINKS_SECRET", "AGENTGATE_AUDIT_KEY",
                   "QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY"):
        check(re.fullmatch(r"\$\{[A-Z_]+:\?.+\}", str(env.get(secret, ""))),
              f"{name} {secret} is not required (${{VAR:?message}})")
    check(env.get("QUARKUS_DATASOURCE_JDBC_URL") == "jdbc:postgresql://postgres:5432/agentgate", f"{name} JDBC URL")
    check(env.get("QUARKUS_MAILER_HOST") == "mailpit" and str(env.get("QUARKUS_MAILER_PORT")) == "1025",
          f"{name} does not send mail to mailpit:1025")
    check("AGENTGATE_BASE_URL" in env, f"{name} has no AGENTGATE_BASE_URL")
    check(str(env.get("QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING")) == "true"
          and env.get("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES") == "proxy",
          f"{name} does not take the client address from the proxy (login throttling per address)")
    check(app.get("depends_on", {}).get("postgres", {}).get("condition") == "service_healthy",
          f"{name} does not wait for a healthy postgres")
    check(not app.get("ports"), f"{name} publishes a port: clients go through the proxy")
# the replicas are one service twice: same image, same settings
check(services.get("app1") == services.get("app2"), "app1 and app2 differ")

proxy = services.get("proxy", {})
# images may be replaced through the environment (${VAR:-default}, as CI does with its locally built ones)
IMAGE = re.compile(r"\$\{[A-Z_]+:-(.+)\}")


def default_image(service):
    image = str(services.get(service, {}).get("image", ""))
    match = IMAGE.fullmatch(image)
    return match.group(1) if match else image


check(default_image("proxy").startswith("nginx:"), "proxy is not nginx")
for app_name in APPS:
    check(proxy.get("depends_on", {}).get(app_name, {}).get("condition") == "service_healthy",
          f"proxy does not wait for a healthy {app_name}")
nginx = (DOCKER / "nginx/agentgate.conf").read_text()
upstreams = re.findall(r"^\s*server\s+([a-z0-9-]+):8080\b", nginx, re.M)
check(sorted(upstreams) == sorted(APPS), f"nginx upstream servers are {upstreams}, not {list(APPS)}")
events = re.search(r"location = /dashboard/events \{(.*?)\}", nginx, re.S)
check(events and "proxy_buffering off" in events.group(1), "nginx buffers the live updates (SSE)")
read_timeout = re.search(r"location / \{.*?proxy_read_timeout (\d+)s", nginx, re.S)
check(read_timeout and int(read_timeout.group(1)) > 60, "nginx cuts long-polls before agentgate.approval.max-wait (60 s)")
check("X-Forwarded-For" in nginx, "nginx does not pass the client address")
check("non_idempotent" not in nginx, "nginx may re-send a POST to the other replica")
private = re.search(r"location /q/ \{(.*?)\}", nginx, re.S)
check(private and "return 404" in private.group(1), "nginx forwards /q/* (metrics, OpenAPI) to clients")
connect = re.search(r"location / \{.*?proxy_connect_timeout (\d+)s", nginx, re.S)
check(connect and int(connect.group(1)) <= 5, "nginx waits the default 60 s on a replica that is gone")
prometheus = yaml.safe_load((DOCKER / "prometheus/prometheus.yml").read_text())
targets = [t for job in prometheus["scrape_configs"] if job["job_name"] == "agentgate"
           for c in job["static_configs"] for t in c["targets"]]
# with the management interface built in (MANAGEMENT=true), /q/metrics is on port 9000 only
management = str(services.get("app1", {}).get("build", {}).get("args", {}).get("MANAGEMENT", "false")).lower()
check(management in ("true", "false"), f"build arg MANAGEMENT is {management!r}, not true or false")
metrics_port = "9000" if management == "true" else "8080"
check(sorted(targets) == sorted(f"{a}:{metrics_port}" for a in APPS),
      f"prometheus scrapes {targets}, not every replica on port {metrics_port} (MANAGEMENT={management})")
for name in (*APPS, "proxy"):
    probe = " ".join(map(str, services.get(name, {}).get("healthcheck", {}).get("test", [])))
    check("/q/" not in probe or "health-port" in probe,
          f"{name}'s healthcheck asks /q/ on a fixed port: it breaks with MANAGEMENT=true")
check(services.get("grafana", {}).get("depends_on", {}).get("prometheus", {}).get("condition") == "service_healthy",
      "grafana does not wait for a healthy prometheus")
for name, service in services.items():
    check("healthcheck" in service, f"{name} has no healthcheck")
    for dependency, how in service.get("depends_on", {}).items():
        if how.get("condition") == "service_healthy":
            check("healthcheck" in services.get(dependency, {}), f"{name} waits for {dependency}, which has no healthcheck")
# the container side of each published port (the host side may come from the environment)
published = {name: [str(p).rsplit(":", 1)[-1] for p in s.get("ports", [])] for name, s in services.items()}
for name, port in (("proxy", "8080"), ("mailpit", "8025"), ("prometheus", "9090"), ("grafana", "3000")):
    check(port in published.get(name, []), f"{name} does not publish port {port}")
for name, service in services.items():
    for volume in service.get("volumes", []):
        source = str(volume).split(":")[0]
        if source.startswith("."):
            check((DOCKER / source).exists(), f"{name} mounts {source}, which does not exist")
        else:
            check(source in (compose.get("volumes") or {}), f"{name} uses undeclared volume {source}")
mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in services.get("grafana", {}).get("volumes", [])}
check(any(src.endswith("agentgate-dashboard.json") for src in mounts.values()), "grafana does not mount the dashboard")

# ---- Grafana provisioning ----------------------------------------------------------------------
datasources = yaml.safe_load((DOCKER / "grafana/provisioning/datasources/prometheus.yml").read_text())
check([d.get("uid") for d in datasources["datasources"]] == ["prometheus"], "provisioned data source uid is not 'prometheus'")
check(datasources["datasources"][0].get("url") == "http://prometheus:9090", "data source does not point at prometheus:9090")
providers = yaml.safe_load((DOCKER / "grafana/provisioning/dashboards/agentgate.yml").read_text())
path = providers["providers"][0]["options"]["path"]
check(any(target.startswith(path + "/") for target in mounts), f"dashboard provider path {path} is not where compose mounts the dashboard")

# ---- Grafana dashboard -------------------------------------------------------------------------
dashboard = json.loads((DOCKER / "grafana/agentgate-dashboard.json").read_text())
check(dashboard.get("uid") and dashboard.get("title"), "dashboard has no uid or title")
check(38 <= dashboard.get("schemaVersion", 0) <= 41, f"dashboard schemaVersion {dashboard.get('schemaVersion')}")
variables = {v["name"]: v for v in dashboard["templating"]["list"]}
check(variables.get("datasource", {}).get("type") == "datasource", "dashboard has no datasource variable")
ids = [p["id"] for p in dashboard["panels"]]
check(len(ids) == len(set(ids)), "dashboard panel ids are not unique")
exprs = []
for panel in dashboard["panels"]:
    if panel["type"] == "row":
        continue
    check(panel.get("datasource", {}).get("uid") == "${datasource}", f"panel '{panel['title']}' is not on ${{datasource}}")
    for t in panel.get("targets", []):
        check(t.get("datasource", {}).get("uid") == "${datasource}", f"a query of '{panel['title']}' is not on ${{datasource}}")
        exprs.append((panel["title"], t["expr"]))
        for name in metric_names(t["expr"]) - EXPORTED:
            problems.append(f"panel '{panel['title']}' queries unknown metric {name}")
check(len(exprs) >= 15, f"only {len(exprs)} dashboard queries")

# promtool parses PromQL in rule files: wrap every query (Grafana variables replaced) as a
# recording rule and let it check them.
rules = {"groups": [{"name": "dashboard", "rules": [
    {"record": f"dashboard:query_{i}",
     "expr": expr.replace("$__rate_interval", "1m").replace("$__range", "1h").replace("$agent", ".*")}
    for i, (_, expr) in enumerate(exprs)]}]}
with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
    yaml.safe_dump(rules, f)
result = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
pathlib.Path(f.name).unlink()
check(result.returncode == 0, "promtool rejects dashboard queries:\n" + result.stdout + result.stderr)

# ---- alerts.yml and the runbook (src/docs/runbook.md) ------------------------------------------
alerts = yaml.safe_load((DOCKER / "prometheus/alerts.yml").read_text())
RUNBOOK_URL = "https://github.com/agentgate/agentgate/blob/main/"
names = set()
for group in alerts["groups"]:
    for rule in group["rules"]:
        if "alert" not in rule:
            continue
        names.add(rule["alert"])
        a = rule.get("annotations", {})
        for key in ("summary", "description", "runbook_url"):
            check(a.get(key), f"alert {rule['alert']} has no {key}")
        check(rule.get("labels", {}).get("severity") in ("warning", "critical"), f"alert {rule['alert']} severity")
        url, _, anchor = a.get("runbook_url", "").partition("#")
        check(url.startswith(RUNBOOK_URL), f"alert {rule['alert']}: runbook_url is not a file of {RUNBOOK_URL}")
        runbook = ROOT / url[len(RUNBOOK_URL):]
        if check(url.startswith(RUNBOOK_URL) and runbook.is_file(), f"alert {rule['alert']}: no file {runbook}"):
            anchors = {github_slug(h) for h in re.findall(r"^#{1,6} (.+)$", runbook.read_text(), flags=re.M)}
            check(anchor in anchors, f"alert {rule['alert']}: {runbook.relative_to(ROOT)} has no heading for #{anchor}")
        for name in metric_names(rule["expr"]) - EXPORTED:
            problems.append(f"alert {rule['alert']} queries unknown metric {name}")
check({"HighPolicyViolationRate", "ApprovalTimeouts", "UnauthorizedToolAccess"} <= names, "a contract alert is missing")

for p in problems:
    print("FAIL:", p)
if problems:
    sys.exit(1)
print(f"ops kit OK: {len(services)} compose services, {len(exprs)} dashboard queries, {len(names)} alerts with runbooks")
