#!/usr/bin/env python3
"""The live view of a running campaign (issue 21), on the simulated lab, over real HTTP.

The quick campaign runs with `--serve 127.0.0.1:0`; beside it `orbitbench serve` reads the same
database. Checked from outside, with third-party clients where there is one:
- /metrics parses with Prometheus' own Python parser (python3-prometheus-client), with the names,
  types and labels the issue asks for;
- /events is a Server-Sent Events stream: a snapshot, updates at least once a second, and events;
- operator actions are refused without the token (401) and work with it: the profile clock holds
  (its time stands still) and goes on, and both are recorded as events;
- headless Chromium loads the live page twice, seconds apart, and its DOM has changed;
- `orbitbench serve` shows the same campaign read-only and its end;
- an abort from the page stops a second campaign into its safe state, resumable (exit 130);
- a malformed --serve is a usage error and a taken port refuses the campaign before anything.

usage: test_live_view.py ORBITBENCH
"""
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ORBITBENCH = str(pathlib.Path(sys.argv[1]).resolve())
SOURCE = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from chromium_pipe import ChromiumPage  # noqa: E402
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


class Process:
    """orbitbench in the background, its stderr collected line by line."""

    def __init__(self, *args, cwd):
        self.proc = subprocess.Popen([ORBITBENCH, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.stdout = ""
        threading.Thread(target=self._read_err, daemon=True).start()
        threading.Thread(target=self._read_out, daemon=True).start()

    def _read_err(self):
        for line in self.proc.stderr:
            self.lines.append(line)

    def _read_out(self):
        self.stdout = self.proc.stdout.read()

    def wait_for(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                match = re.search(pattern, line)
                if match:
                    return match
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        sys.exit(f"no line matching {pattern!r} from orbitbench (exit {self.proc.poll()}):\n{''.join(self.lines)}")

    def wait(self, timeout=240):
        code = self.proc.wait(timeout=timeout)
        time.sleep(0.2)  # the readers' last lines
        return code


def request(url, method="GET", token=None, body=None):
    headers = {"Authorization": "Bearer " + token} if token is not None else {}
    req = urllib.request.Request(url, method=method, headers=headers, data=body)
    try:
        with urllib.request.urlopen(req, timeout=10) as reply:
            return reply.status, reply.read().decode(), dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def status_of(base):
    return json.loads(request(base + "status.json")[1])["status"]


def read_stream(base, seconds):
    """The /events stream's messages for `seconds`: one JSON object per `data:` line."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", base).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path + "events")
    reply = connection.getresponse()
    content_type = reply.getheader("Content-Type")
    messages, arrived = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = reply.fp.readline().decode()
        if not line:
            break
        if line.startswith("data: "):
            messages.append(json.loads(line[6:]))
            arrived.append(time.monotonic())
    connection.close()
    return content_type, messages, arrived


def metric_families(base):
    from prometheus_client.parser import text_string_to_metric_families
    status, text, headers = request(base + "metrics")
    families = {family.name: family for family in text_string_to_metric_families(text)}
    return status, headers.get("Content-Type", ""), families


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="ob-live-"))
    db = work / "live.db"

    # Usage errors first: nothing runs.
    done = subprocess.run([ORBITBENCH, "run", "-q", "--db", str(work / "bad.db"), "--serve", "70000"], capture_output=True,
                          text=True, timeout=60)
    check(done.returncode == 2 and "--serve '70000'" in done.stderr and not (work / "bad.db").exists(),
          f"--serve 70000 is a usage error, before anything: {done.stderr.strip()}")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    done = subprocess.run([ORBITBENCH, "run", "-q", "--db", str(work / "busy.db"), "--serve", f"127.0.0.1:{port}"],
                          capture_output=True, text=True, timeout=60)
    check(done.returncode == 1 and "refused, nothing energised" in done.stderr and f"127.0.0.1:{port}" in done.stderr,
          f"a port already taken refuses the campaign: {done.stderr.strip()}")
    taken.close()

    campaign = Process("run", "-q", "--db", str(db), "--serve", "127.0.0.1:0", "--speed", "150", cwd=work)
    match = campaign.wait_for(r"live view: (http://127\.0\.0\.1:\d+/) +\(operator: \S+#token=([0-9a-f]{32}); the token is also in (\S+)\)")
    base, token, token_file = match.group(1), match.group(2), pathlib.Path(match.group(3))
    check(token_file.read_text().strip() == token and (token_file.stat().st_mode & 0o777) == 0o600,
          f"the token is in {token_file.name}, readable by its owner only")

    # The stream: a snapshot, then updates at least once a second, and events as their own messages.
    content_type, messages, arrived = read_stream(base, 4)
    check(content_type.startswith("text/event-stream"), f"/events is an event stream ({content_type})")
    check(bool(messages) and messages[0]["type"] == "snapshot", "its first message is the snapshot")
    updates = [t for m, t in zip(messages, arrived) if m["type"] == "update"]
    gaps = [b - a for a, b in zip(updates, updates[1:])]
    check(len(updates) >= 3 and max(gaps, default=9) < 1.5, f"{len(updates)} updates in 4 s, at most {max(gaps, default=0):.2f} s apart")
    events = [m for m in messages if m["type"] == "event"] + (messages[0].get("events", []) if messages else [])
    check(len(events) >= 2 and all({"kind", "severity", "message", "device"} <= e.keys() for e in events),
          f"{len(events)} events read from the stream, e.g. {events[0]['message'] if events else None!r}")
    check(any(m["type"] == "update" and m["points"] for m in messages), "updates carry new history points")

    # Metrics, as Prometheus reads them.
    status, content_type, families = metric_families(base)
    check(status == 200 and content_type.startswith("text/plain; version=0.0.4"), f"/metrics is Prometheus text ({content_type})")
    expected = {"orbitbench_board_tflops": "gauge", "orbitbench_board_power_watts": "gauge",
                "orbitbench_board_temperature_celsius": "gauge", "orbitbench_chamber_air_celsius": "gauge",
                "orbitbench_chamber_target_celsius": "gauge", "orbitbench_chamber_tracking_error_kelvin": "gauge",
                "orbitbench_tick_lateness_seconds": "histogram", "orbitbench_campaign_info": "gauge",
                "orbitbench_events": "counter", "orbitbench_faults": "counter"}
    for name, kind in expected.items():
        check(name in families and families[name].type == kind, f"/metrics has {name} ({kind})")
    boards = sorted(s.labels["board"] for s in families["orbitbench_board_tflops"].samples)
    check(boards == ["board-01", "board-02", "board-03"], f"one tflops series per board: {boards}")
    check(all(s.value > 100 for s in families["orbitbench_board_power_watts"].samples), "boards draw real power")
    info = families["orbitbench_campaign_info"].samples[0].labels
    check(info.get("campaign") == "quick-leo-550" and info.get("station") == "sim-bench" and info.get("phase"),
          f"campaign_info's labels: {info}")
    # The Grafana dashboard in docs/ asks only for series the view serves.
    dashboard = json.loads((SOURCE / "docs/grafana/orbitbench-dashboard.json").read_text())
    exprs = [target.get("expr", "") for panel in dashboard["panels"] for target in panel.get("targets", [])]
    used = set(re.findall(r"orbitbench_[a-z_]+", " ".join(exprs)))
    served = {sample.name for family in families.values() for sample in family.samples}
    check(len(exprs) > 10 and used <= served, f"the Grafana dashboard's {len(used)} series are all served (missing: {sorted(used - served)})")
    lateness = {s.name: s for s in families["orbitbench_tick_lateness_seconds"].samples}
    check(lateness["orbitbench_tick_lateness_seconds_count"].value > 10, "the lateness histogram counts ticks")

    # Operator actions: refused without the token, taken with it.
    for token_sent, what in ((None, "no token"), ("0" * 32, "a wrong token"), ("", "an empty token")):
        code, body, headers = request(base + "pause", "POST", token_sent, b"")
        check(code == 401 and "Bearer" in headers.get("WWW-Authenticate", ""), f"POST /pause with {what}: 401 ({body.strip()})")
    check(request(base + "abort", "POST", None, b"")[0] == 401, "POST /abort without the token: 401")
    check(request(base + "pause", "GET")[0] == 405, "GET /pause acts on nothing: 405")
    check(status_of(base)["state"] == "running", "after the refusals the campaign still runs")

    # Bounded: 32 connections at once (the next is answered 503), headers ≤ 8 KiB, bodies ≤ 4 KiB.
    host, port = re.match(r"http://([^:/]+):(\d+)/", base).groups()
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(40)]
    time.sleep(0.5)
    code, body, _ = request(base + "metrics")
    check(code == 503, f"with 40 idle connections open, the next request: {code} {body.strip()[:60]}")
    for connection in idle:
        connection.close()
    time.sleep(0.5)
    check(request(base + "metrics")[0] == 200, "once they are gone, requests are served again")

    def raw(data):
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(data)
            return connection.recv(200).decode(errors="replace").split("\r\n")[0]
    check(" 431 " in raw(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"), "9 KiB of headers: 431")
    check(" 413 " in raw(b"POST /pause HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + b"a" * 5000), "a 5 KB body: 413")
    check(" 400 " in raw(b"GARBAGE\r\n\r\n"), "a malformed request: 400")

    # The page in headless Chromium (driven over its DevTools pipe: the open stream keeps
    # --dump-dom from ever returning), read twice seconds apart: its script has moved it.
    with ChromiumPage(base + "#token=" + token) as page:
        def read(element_id):
            return page.evaluate(f"document.getElementById('{element_id}').textContent")
        time.sleep(2.5)
        first = (read("profile-time"), int(read("updates") or 0))
        time.sleep(3)
        second = (read("profile-time"), int(read("updates") or 0))
        check(first[0] and first[0] != second[0] and second[1] > first[1] > 0,
              f"Chromium saw the live page change: profile time {first[0]!r} → {second[0]!r}, updates {first[1]} → {second[1]}")
        rows = page.evaluate("[...document.querySelectorAll('#boards tr[data-board]')].map(r => r.dataset.board)")
        paths = page.evaluate("document.querySelectorAll('#chart-tflops path.series').length")
        events_shown = page.evaluate("document.querySelectorAll('#events .event').length")
        check(rows == ["board-01", "board-02", "board-03"] and paths == 3 and events_shown >= 2,
              f"its board table ({rows}), throughput chart ({paths} lines) and events ({events_shown}) are drawn")
        check(page.evaluate("location.hash") == "", "the token left the address bar")
        # The operator's buttons, pressed in the browser with the token from the link.
        page.evaluate("document.getElementById('btn-pause').click()")
        time.sleep(1)
        check(read("action-result").startswith("202"), f"Pause pressed on the page: {read('action-result')!r}")
        check(status_of(base)["clock_held"], "the page's Pause held the clock")
        page.evaluate("document.getElementById('btn-resume').click()")
        time.sleep(1)
        check(read("action-result").startswith("202") and not status_of(base)["clock_held"],
              f"Resume pressed on the page: {read('action-result')!r}")
        errors = page.evaluate("window.__errors")
        check(errors == [], f"no script errors or CSP violations on the page: {errors}")

    code, body, _ = request(base + "pause", "POST", token, b"")
    check(code == 202, f"POST /pause with the token: {code} {body.strip()}")
    time.sleep(0.6)
    held = status_of(base)
    check(held["clock_held"] and held["state"] == "paused", f"the clock is held ({held['state']})")
    time.sleep(1.5)
    check(status_of(base)["campaign_t_s"] == held["campaign_t_s"], f"profile time stands still while held ({held['campaign_t_s']} s)")
    check(request(base + "pause", "POST", token, b"")[0] == 409, "a second pause: 409")
    code, body, _ = request(base + "resume-clock", "POST", token, b"")
    check(code == 202, f"POST /resume-clock: {code} {body.strip()}")
    time.sleep(1.5)
    check(status_of(base)["campaign_t_s"] > held["campaign_t_s"], "profile time goes on after the release")
    check(request(base + "prompt/answer", "POST", token, b'{"id": "1", "answer": "yes"}')[0] == 409, "no prompt pending: 409")

    # `orbitbench serve` beside the recording campaign: the same campaign, read-only.
    viewer = Process("serve", "--db", str(db), "--listen", "127.0.0.1:0", cwd=work)
    served = viewer.wait_for(r"read-only on (http://127\.0\.0\.1:\d+/)").group(1)
    time.sleep(1.5)
    status, _, families = metric_families(served)
    check(sorted(s.labels["board"] for s in families.get("orbitbench_board_tflops", type("", (), {"samples": []})).samples) ==
          ["board-01", "board-02", "board-03"], "serve's /metrics has every board while the campaign records")
    check(request(served + "pause", "POST", token, b"")[0] == 401, "serve changes nothing, whatever the token")
    _, messages, _ = read_stream(served, 2.5)
    check(len(messages) >= 2 and messages[0]["type"] == "snapshot" and messages[0]["series"].get("board-01/tflops"),
          "serve's stream starts with the history read from the file")

    code = campaign.wait()
    check(code == 0 and "verdict: PASS" in campaign.stdout, f"the campaign completed: exit {code}")
    check(not token_file.exists(), "the token file goes with the server")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        messages_db = [row[0] for row in conn.execute("SELECT message FROM events WHERE kind = 'pause'")]
    check(any(m.startswith("profile clock held by the operator (web 127.0.0.1:") for m in messages_db) and
          any(m.startswith("profile clock released by the operator (web 127.0.0.1:") for m in messages_db),
          f"the hold and its release are recorded, by whom: {messages_db}")
    time.sleep(2)
    final = status_of(served)
    check(final["state"] == "completed" and final["verdicts"], f"serve shows the campaign's end ({final['state']}) and its verdicts")
    # A browsable archive: every campaign in the file, each at /c/ID/ with its own stream and metrics.
    code, listing, _ = request(served + "campaigns")
    check(code == 200 and 'href="c/1/"' in listing and "quick-leo-550" in listing and "completed" in listing,
          "serve lists the file's campaigns at /campaigns, each linked")
    check(final.get("archive") == "/campaigns", "the served page links to that list")
    code, body, _ = request(served + "c/1/status.json")
    check(code == 200 and json.loads(body)["status"]["campaign"] == "quick-leo-550" and json.loads(body)["series"],
          "/c/1/status.json is campaign 1's view, with its history")
    code, body, _ = request(served + "c/1/metrics")
    check(code == 200 and 'orbitbench_campaign_info{campaign="quick-leo-550"' in body, "/c/1/metrics is campaign 1's")
    _, messages, _ = read_stream(served + "c/1/", 1.5)
    check(bool(messages) and messages[0]["type"] == "snapshot", "/c/1/events streams it")
    check(request(served + "c/999/")[0] == 404 and request(served + "c/x/")[0] == 404, "an unknown campaign is 404")
    viewer.proc.send_signal(signal.SIGINT)
    check(viewer.wait(30) == 0, "serve stops on SIGINT")

    # An abort from the live view: the safe state, and resumable.
    db2 = work / "abort.db"
    second_campaign = Process("run", "-q", "--db", str(db2), "--serve", "127.0.0.1:0", cwd=work)
    match = second_campaign.wait_for(r"live view: (http://\S+/) +\(operator: \S+#token=([0-9a-f]{32});")
    base2, token2 = match.group(1), match.group(2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not status_of(base2)["phase"]:
        time.sleep(0.2)
    code, body, _ = request(base2 + "abort", "POST", token2, b"")
    check(code == 202, f"POST /abort with the token: {code} {body.strip()}")
    code = second_campaign.wait()
    with sqlite3.connect(f"file:{db2}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT status, end_cause, reason FROM campaigns").fetchone()
        safe = conn.execute("SELECT count(*) FROM events WHERE kind = 'safe_state'").fetchone()[0]
    check(code == 130 and row[0] == "aborted" and row[1] == "operator_signal" and "live view" in row[2] and safe > 0,
          f"the abort safed the bench and left it resumable: exit {code}, {row}")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
