"""Headless Chromium driven over the DevTools protocol on --remote-debugging-pipe (standard
library only): for pages that keep a stream open, where `--dump-dom` either returns at the load
event or never (a Server-Sent Events stream keeps virtual time from ending).

    with ChromiumPage("http://127.0.0.1:8080/") as page:
        time.sleep(2)
        html = page.evaluate("document.documentElement.outerHTML")
        errors = page.evaluate("window.__errors")   # script errors and CSP violations
"""
import json
import os
import shutil
import subprocess
import tempfile

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


class ChromiumPage:
    def __init__(self, url, width=1400, height=1000):
        self.profile = tempfile.mkdtemp(prefix="ob-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def pipes():  # Chromium reads fd 3 and writes fd 4 (duplicated first: a pipe may already be 3 or 4)
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-pipe",
             "--no-first-run", "--user-data-dir=" + self.profile, "about:blank"],
            preexec_fn=pipes, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=self.session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  self.session)
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source":
                  "window.__errors=[];addEventListener('error',e=>__errors.push(String(e.message)));"
                  "addEventListener('unhandledrejection',e=>__errors.push(String(e.reason)));"
                  "document.addEventListener('securitypolicyviolation',e=>__errors.push('CSP '+e.violatedDirective+' '+e.blockedURI));"
                  "window.confirm=()=>true;"}, self.session)
        self.send("Page.navigate", {"url": url}, self.session)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(method + ": " + json.dumps(reply["error"]))
                return reply.get("result", {})

    def _read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(line)

    def evaluate(self, expression):
        """The JSON value of a JavaScript expression (promises awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, self.session)
        if "exceptionDetails" in result:
            raise RuntimeError("evaluate failed: " + json.dumps(result["exceptionDetails"])[:400])
        return result["result"].get("value")

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 (already gone)
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
