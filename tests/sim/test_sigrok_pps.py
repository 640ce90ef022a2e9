#!/usr/bin/python3
"""The simulated DP832 and N5767A seen by sigrok-cli (Debian `sigrok-cli`, libsigrok's scpi-pps driver) over
a raw TCP socket, as a lab engineer would drive a real Rigol DP832:

  sigrok-cli -d scpi-pps:conn=tcp-raw/HOST/PORT --scan
  sigrok-cli -d … -g 2 --config voltage_target=3.3 --set
  sigrok-cli -d … -g 2 --get voltage_target
  sigrok-cli -d … --samples 2

scpi-pps sends SYST:REMOTE, reads SYST:BEEP:STAT? and turns the beeper off while it holds the
instrument (SYST:BEEP:STAT OFF … ON), selects channels with :INST:NSEL and reads :MEAS:VOLT?,
:MEAS:CURR?, :MEAS:POWE?, protection and regulation; a simulator that leaves one of those
unanswered makes sigrok-cli wait forever. Each invocation runs under a deadline, and afterwards
the instrument's own error queue must be empty: every command sigrok sent was understood.

The N5767A (Keysight/Agilent N5700, the high-power family) through libsigrok's N5700A profile:
scan, -g 1 --config voltage_target/ovp_threshold/enabled --set, --get, --samples (SYST:COMM:RLST
REM|LOC, :SOUR:VOLT, :VOLT:PROT, :OUTP ON, :OUTP:STAT?, :MEAS:VOLT?, MEAS:CURR?).

Usage: test_sigrok_pps.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip (sigrok-cli
missing). ORBITBENCH_SIGROK_CLI names another sigrok-cli binary."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import Lab, check, close_to, exit_code, skip  # noqa: E402

SIGROK_TIMEOUT_S = 20
SETTLE_TIMEOUT_S = 3


class Scpi:
    """One raw-socket line exchange with the simulated instrument, to look behind sigrok's back."""

    def __init__(self, endpoint):
        self.sock = socket.create_connection(endpoint, timeout=5)
        self.pending = b""

    def query(self, line):
        self.sock.sendall((line + "\n").encode())
        while b"\n" not in self.pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError(f"{line}: connection closed")
            self.pending += chunk
        reply, self.pending = self.pending.split(b"\n", 1)
        return reply.decode().strip()

    def close(self):
        self.sock.close()


def settled(read, expect, timeout_s=SETTLE_TIMEOUT_S):
    """read() until expect(value) holds or the deadline passes; the last value read.

    sigrok-cli writes its last setting and exits without waiting for a reply, and the simulated
    instrument serves each connection on its own: a query on our connection may be answered
    before sigrok's line is, so a setting is checked once it has landed, within a deadline."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while not expect(value) and time.monotonic() < deadline:
        time.sleep(0.02)
        value = read()
    return value


def lands(scpi, query, expected):
    """Whether `query` answers `expected` (a number within 1e-9, or the text) once settled."""
    if isinstance(expected, str):
        return settled(lambda: scpi.query(query), lambda v: v == expected) == expected
    return close_to(settled(lambda: float(scpi.query(query)), lambda v: close_to(v, expected, 1e-9)), expected, 1e-9)


def sigrok(cli, conn, *args):
    """sigrok-cli with the scpi-pps driver on conn; (exit code, stdout). Its stderr is printed:
    libsigrok 0.5.2 logs `scpi_tcp: Send error: Bad file descriptor` as it cleans up a device it
    has already closed, whatever the instrument."""
    command = [cli, "-d", f"scpi-pps:conn={conn}", *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=SIGROK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"`{' '.join(command)}` still waiting after {SIGROK_TIMEOUT_S} s"
    if done.stderr.strip():
        print(f"     ({' '.join(args)}: stderr {done.stderr.strip()!r})")
    return done.returncode, done.stdout


def text(out):
    """A --get value as sigrok-cli prints it: GVariant text, strings quoted ('CV')."""
    return out.strip().strip("'")


def main():
    if len(sys.argv) < 2:
        skip("usage: test_sigrok_pps.py <orbitbench>")
    cli = os.environ.get("ORBITBENCH_SIGROK_CLI") or shutil.which("sigrok-cli")
    if not cli:
        skip("sigrok-cli (Debian sigrok-cli) is not installed")

    lab = Lab(sys.argv[1])
    try:
        host, port = lab.endpoint("psu")
        conn = f"tcp-raw/{host}/{port}"
        scpi = Scpi((host, port))
        try:
            run(cli, conn, scpi)
        finally:
            scpi.close()
    finally:
        lab.close()

    with tempfile.NamedTemporaryFile("w", suffix=".lab") as lab_file:
        lab_file.write("instrument psu-hp n5767a\ninstrument chamber espec-p300\ninstrument agent agent\n"
                       "board psu-hp:1 chamber\n")
        lab_file.flush()
        lab = Lab(sys.argv[1], "--config", lab_file.name)
        try:
            host, port = lab.endpoint("psu-hp")
            scpi = Scpi((host, port))
            try:
                run_n5767a(cli, f"tcp-raw/{host}/{port}", scpi)
            finally:
                scpi.close()
        finally:
            lab.close()
    return exit_code()


def no_errors(scpi, after):
    error = scpi.query("SYST:ERR?")
    check(error.startswith("+0,") or error.startswith("0,"), f"no SCPI error after {after}: {error}")


def run(cli, conn, scpi):
    code, out = sigrok(cli, conn, "--scan")
    check(code == 0 and "Rigol DP832" in out and "9 channels" in out, f"--scan finds the DP832: {out.strip()}")
    no_errors(scpi, "--scan")

    # Setting a channel's target: sigrok opens (SYST:REMOTE, SYST:BEEP:STAT?), selects CH2 and
    # writes :SOUR:VOLT, then restores the beeper and lets go (SYST:LOCAL).
    check(scpi.query("SYST:BEEP?") == "ON", "the beeper is on before sigrok connects")
    code, out = sigrok(cli, conn, "-g", "2", "--config", "voltage_target=3.3", "--set")
    check(code == 0, f"-g 2 --config voltage_target=3.3 --set exits 0: {code} {out.strip()}")
    check(lands(scpi, ":SOUR2:VOLT?", 3.3),
          "CH2's setpoint is 3.3 V")
    check(close_to(float(scpi.query(":SOUR1:VOLT?")), 0.0, 1e-9), "CH1's setpoint is untouched")
    check(lands(scpi, "SYST:BEEP?", "ON"), "sigrok turned the beeper back on as it let go")
    no_errors(scpi, "--set voltage_target")

    code, out = sigrok(cli, conn, "-g", "2", "--get", "voltage_target")
    check(code == 0 and out.strip() and close_to(float(out.split()[0]), 3.3, 1e-6),
          f"-g 2 --get voltage_target reads 3.3: {out.strip()}")
    code, out = sigrok(cli, conn, "-g", "2", "--config", "current_limit=1.25", "--set")
    check(code == 0 and lands(scpi, ":SOUR2:CURR?", 1.25),
          "current_limit=1.25 on CH2")

    # Protection: threshold and enable, then the trip flag sigrok reads from :OUTP:OVP:QUES?.
    code, out = sigrok(cli, conn, "-g", "2", "--config", "ovp_threshold=3.0", "--set")
    check(code == 0 and lands(scpi, ":OUTP:OVP:VAL? CH2", 3.0),
          "ovp_threshold=3.0 on CH2")
    code, out = sigrok(cli, conn, "-g", "2", "--config", "ovp_enabled=true", "--set")
    check(code == 0 and lands(scpi, ":OUTP:OVP? CH2", "ON"), "ovp_enabled=true on CH2")
    code, out = sigrok(cli, conn, "-g", "2", "--get", "ovp_active")
    check(code == 0 and text(out) == "false", f"ovp_active false before the output is on: {out.strip()}")
    code, out = sigrok(cli, conn, "-g", "2", "--config", "enabled=true", "--set")
    check(code == 0, f"enabled=true on CH2 exits 0: {out.strip()}")
    check(lands(scpi, ":OUTP:OVP:QUES? CH2", "YES") and scpi.query(":OUTP? CH2") == "OFF",
          "3.3 V over a 3.0 V OVP: the output tripped off")
    code, out = sigrok(cli, conn, "-g", "2", "--get", "ovp_active")
    check(code == 0 and text(out) == "true", f"ovp_active reads the trip: {out.strip()}")
    scpi.query(":OUTP:OVP:CLE CH2;*OPC?")

    code, out = sigrok(cli, conn, "-g", "1", "--config", "voltage_target=5", "--set")
    check(code == 0 and lands(scpi, ":SOUR1:VOLT?", 5.0),
          "voltage_target=5 on CH1")
    code, out = sigrok(cli, conn, "-g", "1", "--config", "enabled=true", "--set")
    check(code == 0 and lands(scpi, ":OUTP? CH1", "ON"), "enabled=true on CH1")
    code, out = sigrok(cli, conn, "-g", "1", "--get", "regulation")
    check(code == 0 and text(out) == "CV", f"-g 1 --get regulation: {out.strip()}")
    code, out = sigrok(cli, conn, "--get", "otp")
    check(code == 0 and text(out) == "true", f"--get otp (:SYST:OTP?): {out.strip()}")
    no_errors(scpi, "the settings")

    # Acquisition: sigrok reads each channel's voltage, current and power.
    code, out = sigrok(cli, conn, "--samples", "2")
    lines = [line for line in out.splitlines() if line.startswith(("V1:", "I1:", "P1:"))]
    check(code == 0 and len(lines) >= 3, f"--samples 2 prints V1/I1/P1: {out.strip()[:300]}")
    volts = [float(line.split()[1]) for line in lines if line.startswith("V1:")]
    check(bool(volts) and all(close_to(v, 5.0, 0.01) for v in volts), f"V1 reads CH1's 5 V: {volts}")
    no_errors(scpi, "--samples 2")


def run_n5767a(cli, conn, scpi):
    code, out = sigrok(cli, conn, "--scan")
    check(code == 0 and "Agilent N5767A" in out and "V1 I1" in out, f"--scan finds the N5767A: {out.strip()}")
    code, out = sigrok(cli, conn, "-g", "1", "--config", "voltage_target=48", "--set")
    check(code == 0 and lands(scpi, ":SOUR:VOLT?", 48.0),
          "voltage_target=48 on the N5767A")
    code, out = sigrok(cli, conn, "-g", "1", "--get", "voltage_target")
    check(code == 0 and out.strip() and close_to(float(out.split()[0]), 48.0, 1e-6), f"--get voltage_target: {out.strip()}")
    code, out = sigrok(cli, conn, "-g", "1", "--config", "ovp_threshold=52", "--set")
    check(code == 0 and lands(scpi, ":VOLT:PROT?", 52.0),
          "ovp_threshold=52 (:VOLT:PROT)")
    code, out = sigrok(cli, conn, "-g", "1", "--config", "enabled=true", "--set")
    check(code == 0 and lands(scpi, ":OUTP?", "1"), "enabled=true switches the output on")
    code, out = sigrok(cli, conn, "-g", "1", "--get", "enabled")
    check(code == 0 and text(out) == "true", f"--get enabled (:OUTP:STAT?): {out.strip()}")
    code, out = sigrok(cli, conn, "--samples", "2")
    volts = [float(line.split()[1]) for line in out.splitlines() if line.startswith("V1:")]
    check(code == 0 and len(volts) == 2 and all(close_to(v, 48.0, 0.05) for v in volts), f"--samples 2: V1 {volts}")
    check(scpi.query("STAT:OPER:COND?") == str(1 << 8), "STAT:OPER:COND? reads CV (bit 8)")
    no_errors(scpi, "sigrok's N5700A command set")


if __name__ == "__main__":
    sys.exit(main())
