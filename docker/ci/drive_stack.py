#!/usr/bin/env python3
"""Drives the running compose stack the way its users would (docker/ci-compose.sh calls it).

Agents and approvers reach AgentGate through the proxy; to put the submission on one replica and the long-poll
on the other, those two requests are sent from inside each replica's own network namespace (podman exec ...
curl http://localhost:8080), which no proxy balancing can mix up. Every step prints one line; the first step
that fails stops the script with exit code 1 and says why.

Environment: PROXY_URL, MAIL_URL, PROMETHEUS_URL (the published loopback ports), ADMIN_TOKEN, APP1, APP2 (the
replicas' container names), SCREENSHOT (PNG path; empty: no screenshot), CHROMEDRIVER_PORT.
"""
import base64
import html
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PROXY = os.environ["PROXY_URL"].rstrip("/")
MAIL = os.environ["MAIL_URL"].rstrip("/")
PROMETHEUS = os.environ["PROMETHEUS_URL"].rstrip("/")
ADMIN = os.environ["ADMIN_TOKEN"]
APP1, APP2 = os.environ["APP1"], os.environ["APP2"]
SCREENSHOT = os.environ.get("SCREENSHOT", "")
RUN = str(int(time.time()))
AGENT = f"ci-agent-{RUN}"
APPROVER = "alice@example.com"
USER, PASSWORD = "ops@example.com", f"ci-password-{RUN}"
STARTED = time.monotonic() - float(os.environ.get("ELAPSED", "0"))  # seconds the stage ran before


PASSED = []


def step(message):
    PASSED.append(message)
    print(f"   [{time.monotonic() - STARTED:.0f}s] {message}", flush=True)


def fail(message):
    print(f"!! compose stage: {message}", flush=True)
    sys.exit(1)


def http(method, url, body=None, token=None, form=None, timeout=20, headers=None):
    """(status, headers, text) of one request; no redirects followed."""
    data, all_headers = None, dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def in_replica(container, *curl_args):
    """curl inside a replica's own namespace, against that replica only."""
    result = subprocess.run(["podman", "exec", container, "curl", "-sS", "--max-time", "90", *curl_args],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        fail(f"curl in {container} failed: {result.stderr.strip()}")
    return result.stdout


def until(what, check, timeout, interval=1.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            fail(f"{what}: not within {timeout} s")
        time.sleep(interval)


# ---- set-up through the proxy ----------------------------------------------------------------
status, _, text = http("GET", f"{PROXY}/q/metrics")
if status != 404:
    fail(f"the proxy serves /q/metrics ({status}); /q/* must stay inside the stack")
step("proxy keeps /q/* private: GET /q/metrics through it is 404")
status, _, text = http("POST", f"{PROXY}/api/v1/agents", token=ADMIN, body={
    "name": AGENT, "displayName": "CI compose agent", "riskLevel": "MEDIUM",
    "capabilities": {"writeData": True, "sendExternalMessages": False, "executeCode": False,
                     "financialTransactions": False},
    "approval": {"required": True, "rule": "action == 'update_record'", "approvers": [APPROVER],
                 "requiredApprovals": 1, "timeoutSeconds": 300}})
if status != 201:
    fail(f"creating the agent through the proxy answered {status}: {text[:300]}")
api_key = json.loads(text)["apiKey"]
status, _, text = http("POST", f"{PROXY}/api/v1/users", token=ADMIN,
                       body={"email": USER, "password": PASSWORD, "roles": ["admin"]})
if status != 201:
    fail(f"creating the dashboard user answered {status}: {text[:300]}")
step(f"agent {AGENT} (approval by {APPROVER}) and dashboard user {USER} created through the proxy")

# ---- a pending action on app1, its long-poll held on app2 -------------------------------------
submitted = json.loads(in_replica(APP1, "-X", "POST", "http://localhost:8080/api/v1/actions",
                                  "-H", f"Authorization: Bearer {api_key}", "-H", "Content-Type: application/json",
                                  "-d", json.dumps({"action": "update_record", "context": {"record": "ci-42"}})))
if submitted.get("status") != "PENDING":
    fail(f"the submission on {APP1} was not PENDING: {submitted}")
action_id = submitted["id"]
step(f"pending action {action_id} submitted on {APP1}")

poll = {}


def long_poll():
    began = time.monotonic()
    poll["answer"] = in_replica(APP2, f"http://localhost:8080/api/v1/actions/{action_id}?wait=60",
                                "-H", f"Authorization: Bearer {api_key}")
    poll["seconds"] = time.monotonic() - began


poller = threading.Thread(target=long_poll, daemon=True)
poller.start()
time.sleep(2)
if not poller.is_alive():
    fail(f"the long-poll on {APP2} answered before any decision: {poll.get('answer')}")
step(f"long-poll held on {APP2} (wait=60)")

# ---- the approval mail, its link followed and confirmed through the proxy ----------------------


def approval_mail():
    status, _, text = http("GET", f"{MAIL}/api/v1/messages")
    for message in json.loads(text).get("messages", []) if status == 200 else []:
        if any(t.get("Address") == APPROVER for t in message.get("To", [])):
            status, _, full = http("GET", f"{MAIL}/api/v1/message/{message['ID']}")
            body = json.loads(full)
            if action_id in body.get("Text", ""):
                return body
    return None


mail = until("the approval mail in the SMTP catcher", approval_mail, 60)
link = re.search(r"^Approve:\s*(\S+)", mail["Text"], re.M)
if not link:
    fail(f"the approval mail has no Approve link: {mail['Text'][:500]}")
approve_url = link.group(1)
if not approve_url.startswith(PROXY + "/"):
    fail(f"the approval link {approve_url} does not point at the proxy {PROXY}")
step(f"approval mail \"{mail['Subject']}\" arrived for {APPROVER}; link {approve_url.split('?')[0]}...")
status, _, page = http("GET", approve_url)
form = re.search(r'<form method="post" action="([^"]+)" class="confirm">(.*?)</form>', page, re.S)
if status != 200 or not form:
    fail(f"opening the approval link answered {status} without the confirm form: {page[:300]}")
fields = {html.unescape(n): html.unescape(v)
          for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2))}
fields["comment"] = "approved by the CI compose stage"
status, _, page = http("POST", urllib.parse.urljoin(approve_url, html.unescape(form.group(1))), form=fields)
if status not in (200, 303):
    fail(f"confirming the approval answered {status}: {page[:300]}")
step(f"approval confirmed through the proxy (HTTP {status})")

poller.join(timeout=70)
if poller.is_alive() or "answer" not in poll:
    fail(f"the long-poll on {APP2} did not answer")
answer = json.loads(poll["answer"])
if answer.get("status") != "APPROVED":
    fail(f"the long-poll on {APP2} answered {answer}")
step(f"long-poll on {APP2} answered APPROVED after {poll['seconds']:.1f} s (decided by {answer.get('decidedBy')})")

# ---- Prometheus scrapes both replicas and has the action's metrics ------------------------------


def query(promql):
    status, _, text = http("GET", f"{PROMETHEUS}/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
    return json.loads(text)["data"]["result"] if status == 200 else []


def both_up():
    up = {r["metric"]["instance"]: r["value"][1] for r in query('up{job="agentgate"}')}
    return up if up.get("app1:8080") == "1" and up.get("app2:8080") == "1" else None


up = until("Prometheus scraping app1 and app2", both_up, 90, 2)
step(f"Prometheus scrapes both replicas: {sorted(up)} up")


def action_metrics():
    approved = query(f'sum(ai_agent_approval_requests_total{{agent_name="{AGENT}",status="approved"}})')
    actions = query(f'sum(ai_agent_actions_total{{agent_name="{AGENT}"}})')
    if approved and float(approved[0]["value"][1]) >= 1 and actions and float(actions[0]["value"][1]) >= 1:
        return approved[0]["value"][1], actions[0]["value"][1]
    return None


approved, actions = until("the action's metrics in Prometheus", action_metrics, 90, 2)
step(f"Prometheus has the action's metrics: ai_agent_approval_requests_total{{status=approved}}={approved}, "
     f"ai_agent_actions_total={actions}")

# ---- the dashboard through the proxy, with its styles -------------------------------------------
status, headers, css = http("GET", f"{PROXY}/css/agentgate.css")
if status != 200 or "text/css" not in headers.get("Content-Type", "") or len(css) < 1000:
    fail(f"the dashboard's stylesheet through the proxy answered {status} {headers.get('Content-Type')}")
step(f"dashboard stylesheet /css/agentgate.css served through the proxy ({len(css)} bytes, text/css)")
if SCREENSHOT:
    from webdriver import Chrome  # docker/ci/webdriver.py: chromedriver's HTTP protocol, no client library

    with Chrome(int(os.environ["CHROMEDRIVER_PORT"]), width=1280, height=1000) as browser:
        browser.get(f"{PROXY}/")
        browser.type("#j_username", USER)
        browser.type("#j_password", PASSWORD)
        browser.click("#login-form button[type=submit]")
        until("the dashboard after logging in", lambda: "/login" not in browser.url(), 20, 0.5)
        styled = browser.script("const s = document.styleSheets; let n = 0;"
                                "for (const x of s) { try { n += x.cssRules.length } catch (e) {} } return n;")
        if not styled:
            fail("the dashboard page through the proxy has no CSS rules applied")
        with open(SCREENSHOT, "wb") as out:
            out.write(base64.b64decode(browser.screenshot()))
        # the action's page: its timeline has the approval through the mail link
        browser.get(f"{PROXY}/dashboard/actions/{action_id}")
        page_text = browser.script("return document.body.innerText;")
        if APPROVER not in page_text or "APPROVED" not in page_text.upper():
            fail(f"the action's dashboard page does not show the approval by {APPROVER}")
        action_shot = SCREENSHOT.replace(".png", "-action.png")
        with open(action_shot, "wb") as out:
            out.write(base64.b64decode(browser.screenshot()))
    step(f"dashboard through the proxy, logged in, {styled} CSS rules applied; the action's page shows the "
         f"approval by {APPROVER}: screenshots {SCREENSHOT}, {action_shot}")

# ---- kill one replica: the other keeps serving --------------------------------------------------
subprocess.run(["podman", "kill", APP1], check=True, capture_output=True)
state = subprocess.run(["podman", "inspect", "--format", "{{.State.Status}}", APP1],
                       capture_output=True, text=True).stdout.strip()
step(f"{APP1} killed (state: {state})")
served = 0
for i in range(10):
    status, _, text = http("POST", f"{PROXY}/api/v1/actions", token=api_key,
                           body={"action": "read_record", "context": {"i": i}}, timeout=30)
    if status != 200 or json.loads(text).get("status") != "ALLOWED":
        fail(f"after the kill, submission {i} through the proxy answered {status}: {text[:200]}")
    status, _, _ = http("GET", f"{PROXY}/api/v1/agents/{AGENT}", token=ADMIN, timeout=30)
    if status != 200:
        fail(f"after the kill, GET /api/v1/agents/{AGENT} through the proxy answered {status}")
    served += 2
state = subprocess.run(["podman", "inspect", "--format", "{{.State.Status}}", APP1],
                       capture_output=True, text=True).stdout.strip()
step(f"{APP2} kept serving through the proxy: {served} requests after the kill, all answered ({APP1}: {state})")
# the plain closing line CI reads (every check above passed, or the script has exited 1)
print(f"compose: {len(PASSED)} passed, 0 failed", flush=True)
