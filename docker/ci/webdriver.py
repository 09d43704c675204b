"""Just enough of the W3C WebDriver protocol (plain HTTP + JSON) to drive Debian's chromedriver from the standard
library: docker/ci/drive_stack.py logs in to the dashboard through the proxy and takes a screenshot."""
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C element reference key


class Chrome:
    def __init__(self, port, width, height):
        self.base = f"http://127.0.0.1:{port}"
        self.profile = tempfile.mkdtemp(prefix="agentgate-ci-chrome-")
        self.driver = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._start(width, height)
        except BaseException:
            self.driver.terminate()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise

    def _start(self, width, height):
        deadline = time.monotonic() + 20
        while True:
            try:
                self._call("GET", "/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        # the flags of a headless Chromium on a closed network (machines/*.md): no background connections
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--window-size={width},{height}", f"--user-data-dir={self.profile}"]
        session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}})
        self.session = f"/session/{session['sessionId']}"

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def get(self, url):
        self._call("POST", f"{self.session}/url", {"url": url})

    def url(self):
        return self._call("GET", f"{self.session}/url")

    def _find(self, css):
        found = self._call("POST", f"{self.session}/element", {"using": "css selector", "value": css})
        return found[ELEMENT]

    def type(self, css, text):
        self._call("POST", f"{self.session}/element/{self._find(css)}/value", {"text": text})

    def click(self, css):
        self._call("POST", f"{self.session}/element/{self._find(css)}/click", {})

    def script(self, source):
        return self._call("POST", f"{self.session}/execute/sync", {"script": source, "args": []})

    def screenshot(self):
        return self._call("GET", f"{self.session}/screenshot")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self._call("DELETE", self.session)
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=20)
            shutil.rmtree(self.profile, ignore_errors=True)
