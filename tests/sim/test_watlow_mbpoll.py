#!/usr/bin/python3
"""The simulated Watlow F4T seen by mbpoll (Debian `mbpoll`, a libmodbus command-line client), as
a lab engineer checks a chamber controller from a shell: 0-based register addresses (-0),
unit 1, 16-bit registers (-t 4) and 32-bit floats in two registers, low word first (-t 4:float,
mbpoll's default word order, which is the F4T's).

Usage: test_watlow_mbpoll.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip (mbpoll
missing). ORBITBENCH_MBPOLL names another mbpoll binary."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import Lab, check, close_to, exit_code, skip  # noqa: E402

MBPOLL_TIMEOUT_S = 10
LOOP_MODE, ACTIVE_MODE, SETPOINT, PROCESS_VALUE, DISPLAY_UNITS = 2730, 2814, 2782, 2820, 1328
MODE_OFF, MODE_AUTO = 62, 10  # F4T user's guide; Espec's ChamberConnectLibrary watlowf4t.py agrees
UNITS_C = 15
AMBIENT_C = 22


def mbpoll(cli, host, port, register, kind, *value):
    """One mbpoll call: a single read (no value) or a write; (exit code, output)."""
    command = [cli, "-m", "tcp", "-a", "1", "-0", "-r", str(register), "-t", kind, "-p", str(port)]
    if not value:
        command += ["-c", "1", "-1"]
    command += [host, *value]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=MBPOLL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"`{' '.join(command)}` still waiting after {MBPOLL_TIMEOUT_S} s"
    return done.returncode, done.stdout + done.stderr


def last(out):
    """mbpoll's last non-empty line (it prints a banner and its settings first)."""
    lines = [line.strip() for line in (out or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def read(cli, host, port, register, kind="4"):
    code, out = mbpoll(cli, host, port, register, kind)
    match = re.search(r"\[%d\]:\s*(\S+)" % register, out or "")
    return (float(match.group(1)) if code == 0 and match else None), out


def main():
    if len(sys.argv) < 2:
        skip("usage: test_watlow_mbpoll.py <orbitbench>")
    cli = os.environ.get("ORBITBENCH_MBPOLL") or shutil.which("mbpoll")
    if not cli:
        skip("mbpoll (Debian mbpoll) is not installed")
    lab = Lab(sys.argv[1])
    try:
        host, port = lab.endpoint("chamber-f4t")
        run(cli, host, port)
    finally:
        lab.close()
    return exit_code()


def run(cli, host, port):
    mode, out = read(cli, host, port, LOOP_MODE)
    check(mode == MODE_OFF, f"control mode 2730 reads 62 (Off) at power-up: {last(out)}")
    units, out = read(cli, host, port, DISPLAY_UNITS)
    check(units == UNITS_C, f"display units 1328 read 15 (°C): {last(out)}")
    air, out = read(cli, host, port, PROCESS_VALUE, "4:float")
    check(air is not None and close_to(air, AMBIENT_C, 1.0), f"process value 2820 as a low-word-first float: {air}")

    code, out = mbpoll(cli, host, port, SETPOINT, "4:float", "31.5")
    check(code == 0 and "Written 1 references" in out, f"setpoint 31.5 written as a float: {last(out)}")
    setpoint, out = read(cli, host, port, SETPOINT, "4:float")
    check(setpoint is not None and close_to(setpoint, 31.5, 1e-4), f"setpoint 2782 reads back 31.5: {setpoint}")
    code, out = mbpoll(cli, host, port, LOOP_MODE, "4", str(MODE_AUTO))
    check(code == 0, f"control mode 10 (Auto) written: {last(out)}")
    active, out = read(cli, host, port, ACTIVE_MODE)
    check(active == MODE_AUTO, f"active control mode 2814 reads 10 (closed loop): {last(out)}")
    code, out = mbpoll(cli, host, port, LOOP_MODE, "4", str(MODE_OFF))
    check(code == 0 and read(cli, host, port, ACTIVE_MODE)[0] == MODE_OFF, "back to Off (62)")

    code, out = mbpoll(cli, host, port, 9999, "4")
    check(code != 0 and "Illegal data address" in out, f"an unmapped register is exception 02: {last(out)}")


if __name__ == "__main__":
    sys.exit(main())
