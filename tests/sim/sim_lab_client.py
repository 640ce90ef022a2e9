"""Shared by the third-party client checks in tests/sim/test_*.py: start `orbitbench lab` on
ephemeral ports, read its URIs, and report checks. A client library that is missing skips a
check (exit 77); a lab that does not come up is a failure, never a skip."""
import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

SKIP = 77
READY_TIMEOUT_S = 10


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


class Lab:
    """`orbitbench lab` on ephemeral ports; its instruments from the `name model uri` lines it prints
    before `ready` (uris[name], models[name]); `control` is the fault-injection port."""

    def __init__(self, exe, *extra):
        if not os.path.isfile(exe) or not os.access(exe, os.X_OK):
            print(f"FAIL {exe} is not an executable")
            sys.exit(1)
        args = [exe, "lab", *extra]  # no --base-port: every port ephemeral
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.uris = {}
        self.models = {}
        if not self._wait_ready():
            self.close()
            print(f"FAIL `{' '.join(args)}` did not print `ready` within {READY_TIMEOUT_S} s")
            sys.exit(1)

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT_S
        pending = b""
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                return False
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode(errors="replace").strip().split(None, 1)
                if words == ["ready"]:
                    return True
                words = words[:1] + (words[1].split() if len(words) == 2 else [])
                if len(words) == 3:
                    self.models[words[0]] = words[1]
                    self.uris[words[0]] = words[2]
                elif len(words) == 2:
                    self.uris[words[0]] = words[1]
        return False

    def endpoint(self, name):
        uri = urllib.parse.urlsplit(self.uris[name])
        return uri.hostname, uri.port

    def control(self, command):
        """One fault-injection command on the control port; its reply line (`OK` or `ERR …`)."""
        with socket.create_connection(self.endpoint("control"), timeout=5) as sock:
            sock.sendall((command + "\n").encode())
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply.decode().strip()

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def exit_code():
    """0 when every check passed, else 1 after saying how many failed."""
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


def close_to(a, b, tolerance=1e-6):
    return abs(a - b) <= tolerance



def import_pyvisa():
    """PyVISA with its pure-Python '@py' backend, or a skip naming the Debian package."""
    try:
        import pyvisa
    except ImportError:
        skip("PyVISA (Debian python3-pyvisa) is not installed")
    try:
        import pyvisa_py  # noqa: F401  (the '@py' backend)
    except ImportError:
        skip("pyvisa-py (Debian python3-pyvisa-py) is not installed")
    return pyvisa
