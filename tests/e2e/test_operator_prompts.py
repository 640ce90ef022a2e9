#!/usr/bin/env python3
"""Operator prompts in a campaign's plan (issue 21), on the simulated lab.

The quick campaign with `prompt:` steps: one before anything is energised, one between the
baseline and the replay. Checked:
- without a terminal and without --serve the campaign is refused before anything (exit 1);
- answered on the live page: over HTTP (wrong id, bad answer, no token, a second answer) and by
  typing into the page in headless Chromium;
- answered on the controller's terminal (a pseudo-terminal), after a refused answer;
- a prompt pending when the controller is stopped is asked again by `orbitbench resume`;
- a timeout skips or aborts, as the step says;
- every question, answer, who gave it and when are events in the database.

usage: test_operator_prompts.py ORBITBENCH
"""
import json
import os
import pathlib
import pty
import re
import signal
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
sys.path.insert(0, str(SOURCE / "tests" / "support"))
from chromium_pipe import ChromiumPage  # noqa: E402

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def campaign_file(work, name, steps):
    text = (SOURCE / "examples/quick-campaign.yaml").read_text()
    text = text[:text.index("plan:")] + "plan:\n" + "".join(f"  - {step}\n" for step in steps) + text[text.index("limits:"):]
    text = text.replace("campaign: quick-leo-550", f"campaign: {name}", 1)
    path = work / f"{name}.yaml"
    path.write_text(text)
    return path


STEPS = ['prompt: { text: "Close the chamber door", timeout: 2m }',
         "baseline: { chamber_c: 25, duration: 10m }",
         'prompt: { text: "Heatsink thermocouple reading, degC", expect: number, timeout: 2m }',
         "replay: { orbits: 1 }",
         "reference: { chamber_c: 25, duration: 10m }"]


class Background:
    """orbitbench with its stderr collected; stdin as given (a pty's side, or nothing)."""

    def __init__(self, args, cwd, stdin=subprocess.DEVNULL):
        self.proc = subprocess.Popen([ORBITBENCH, *args], cwd=cwd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.err = ""
        self.out = ""
        threading.Thread(target=self._read_err, daemon=True).start()
        threading.Thread(target=self._read_out, daemon=True).start()

    def _read_err(self):
        for chunk in iter(lambda: self.proc.stderr.read(1), ""):
            self.err += chunk

    def _read_out(self):
        self.out = self.proc.stdout.read()

    def wait_for(self, pattern, timeout=90, after=0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.err[after:])
            if match:
                return match
            if self.proc.poll() is not None:
                time.sleep(0.3)
                match = re.search(pattern, self.err[after:])
                if match:
                    return match
                break
            time.sleep(0.05)
        sys.exit(f"no {pattern!r} from orbitbench (exit {self.proc.poll()}):\n{self.err[-3000:]}")

    def wait(self, timeout=240):
        code = self.proc.wait(timeout=timeout)
        time.sleep(0.3)
        return code


def post(url, token, body):
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method="POST"), timeout=10) as reply:
            return reply.status, reply.read().decode().strip()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode().strip()


def pending_prompt(base, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(base + "status.json", timeout=10) as reply:
            prompt = json.loads(reply.read())["status"]["prompt"]
        if prompt:
            return prompt
        time.sleep(0.2)
    sys.exit("no prompt became pending")


def prompt_events(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT message FROM events WHERE kind = 'prompt' ORDER BY id")]


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="ob-prompts-"))
    (work / "quick-station.yaml").write_text((SOURCE / "examples/quick-station.yaml").read_text())
    plan = campaign_file(work, "prompted", STEPS)

    # Nobody to answer: refused before anything.
    done = subprocess.run([ORBITBENCH, "run", "-q", str(plan), "--db", str(work / "none.db")], cwd=work, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    check(done.returncode == 1 and "nobody could answer" in done.stderr and f"{plan.name}:" in done.stderr and
          not (work / "none.db").exists(), f"a plan with prompts, no terminal and no --serve: refused ({done.stderr.strip()[-200:]})")

    # Answered on the live page.
    db = work / "web.db"
    run = Background(["run", "-q", str(plan), "--db", str(db), "--serve", "127.0.0.1:0"], work)
    match = run.wait_for(r"live view: (http://\S+/) +\(operator: \S+#token=([0-9a-f]{32});")
    base, token = match.group(1), match.group(2)
    prompt = pending_prompt(base)
    check(prompt["id"] == "1" and prompt["text"] == "Close the chamber door" and prompt["expect"] == "confirm",
          f"the first prompt is pending before anything runs: {prompt}")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    check(runs == 0, "no run has started while the first prompt waits")
    check(post(base + "prompt/answer", None, {"id": "1", "answer": "yes"})[0] == 401, "an answer without the token: 401")
    check(post(base + "prompt/answer", token, {"id": "3", "answer": "yes"})[0] == 409, "an answer to another prompt: 409")
    code, body = post(base + "prompt/answer", token, {"id": "1", "answer": "no"})
    check(code == 400 and "does not confirm" in body, f"'no' does not confirm: {code} {body}")
    check(post(base + "prompt/answer", token, b"{")[0] == 400, "malformed JSON: 400")
    code, body = post(base + "prompt/answer", token, {"id": "1", "answer": "yes"})
    check(code == 202, f"confirmed on the page: {code} {body}")
    check(post(base + "prompt/answer", token, {"id": "1", "answer": "yes"})[0] == 409, "a second answer: 409")

    prompt = pending_prompt(base)
    check(prompt["id"] == "3" and prompt["expect"] == "number", f"after the baseline, the second prompt: {prompt}")
    with ChromiumPage(base + "#token=" + token) as page:
        time.sleep(2)
        shown = page.evaluate("document.getElementById('prompt').hidden ? '' : document.getElementById('prompt-text').textContent")
        check("Heatsink thermocouple" in (shown or ""), f"the page shows the prompt: {shown!r}")
        page.evaluate("document.getElementById('prompt-input').value = 'lots'; document.getElementById('prompt-send').click()")
        time.sleep(1)
        refused = page.evaluate("document.getElementById('prompt-result').textContent")
        check(not refused.startswith("202") and pending_prompt(base)["id"] == "3",
              f"'lots' is no number: not taken ({refused!r}), the prompt still waits")
        page.evaluate("document.getElementById('prompt-input').value = '23.5'; document.getElementById('prompt-send').click()")
        time.sleep(1)
        taken = page.evaluate("document.getElementById('prompt-result').textContent")
        check(taken.startswith("202"), f"the number typed on the page is taken: {taken!r}")
    code = run.wait()
    check(code == 0 and "verdict: PASS" in run.out, f"the campaign went on and passed: exit {code}")
    events = prompt_events(db)
    check(len(events) == 4 and events[0].startswith("operator prompt 1 (to be confirmed, up to 2m00s): Close the chamber door") and
          re.match(r"operator prompt 1 answered by web 127\.0\.0\.1:\d+ after \S+: confirmed$", events[1]) and
          re.match(r"operator prompt 3 answered by web 127\.0\.0\.1:\d+ after \S+: 23\.5$", events[3]) is not None,
          f"the questions and answers are recorded: {events}")

    # Answered on the terminal (a pseudo-terminal), no live view.
    db = work / "tty.db"
    master, slave = pty.openpty()
    run = Background(["run", "-q", str(plan), "--db", str(db)], work, stdin=slave)
    os.close(slave)
    run.wait_for(r"\*\*\* operator prompt 1: Close the chamber door\n.*type yes here; waiting up to 2m00s")
    os.write(master, b"nope\n")
    run.wait_for(r"'nope' does not confirm")
    os.write(master, b"YES\n")
    mark = len(run.err)
    run.wait_for(r"\*\*\* operator prompt 3: Heatsink", after=mark)
    os.write(master, b"warm\n")
    run.wait_for(r"'warm' is not a number", after=mark)
    os.write(master, b"  21\n")
    code = run.wait()
    os.close(master)
    events = prompt_events(db)
    check(code == 0 and events[1].startswith("operator prompt 1 answered by terminal after ") and events[1].endswith(": confirmed")
          and events[3].endswith(": 21"), f"answered on the terminal: exit {code}, {events}")

    # A prompt pending when the controller stops is asked again by `resume`.
    db = work / "resume.db"
    run = Background(["run", "-q", str(plan), "--db", str(db), "--serve", "127.0.0.1:0"], work)
    match = run.wait_for(r"live view: (http://\S+/) +\(operator: \S+#token=([0-9a-f]{32});")
    base, token = match.group(1), match.group(2)
    pending_prompt(base)
    post(base + "prompt/answer", token, {"id": "1", "answer": "ok"})
    prompt = pending_prompt(base)
    check(prompt["id"] == "3", "stopped while prompt 3 waits")
    run.proc.send_signal(signal.SIGTERM)
    check(run.wait() == 130, "SIGTERM: exit 130, resumable")
    run = Background(["resume", "-q", "--db", str(db), "--serve", "127.0.0.1:0"], work)
    match = run.wait_for(r"live view: (http://\S+/) +\(operator: \S+#token=([0-9a-f]{32});")
    base, token = match.group(1), match.group(2)
    prompt = pending_prompt(base)
    check(prompt["id"] == "3", f"resume asks prompt 3 again: {prompt}")
    code, _ = post(base + "prompt/answer", token, {"id": "3", "answer": 19})
    code = run.wait() if code == 202 else -1
    events = prompt_events(db)
    asked_3 = [e for e in events if e.startswith("operator prompt 3 (")]
    check(code == 0 and len(asked_3) == 2 and events[-1].endswith(": 19"), f"the resumed campaign completed: exit {code}, {events}")

    # Timeouts: skip goes on, abort stops (nothing energised yet: the prompt comes first).
    skip = campaign_file(work, "skipping", ['prompt: { text: "Optional check", timeout: 1s, on_timeout: skip }',
                                            "baseline: { chamber_c: 25, duration: 2m }"])
    done = subprocess.run([ORBITBENCH, "run", "-q", str(skip), "--db", str(work / "skip.db"), "--serve", "127.0.0.1:0"], cwd=work,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    events = prompt_events(work / "skip.db")
    check(done.returncode == 0 and events[-1] == "operator prompt 1 not answered within 1s: skipped (on_timeout: skip)",
          f"on_timeout: skip goes on: exit {done.returncode}, {events}")
    stop = campaign_file(work, "stopping", ['prompt: { text: "Mandatory check", timeout: 1s }',
                                            "baseline: { chamber_c: 25, duration: 2m }"])
    done = subprocess.run([ORBITBENCH, "run", "-q", str(stop), "--db", str(work / "stop.db"), "--serve", "127.0.0.1:0"], cwd=work,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    with sqlite3.connect(f"file:{work / 'stop.db'}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT status, end_cause, reason FROM campaigns").fetchone()
    check(done.returncode == 3 and row[0] == "aborted" and row[1] == "prompt_timeout" and "Mandatory check" in row[2],
          f"on_timeout: abort stops the campaign: exit {done.returncode}, {row}")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
