#!/usr/bin/python3
"""The simulated Espec chamber seen by a third-party client: Python's socket module sending the
command forms of the Espec P-300 / SCP-220 communication manual (ASCII lines ending CR LF).

Usage: test_espec_chamber.py <path to orbitbench>. Exit 0 pass, 1 fail."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import Lab, check, failures, skip  # noqa: E402

IO_TIMEOUT_S = 5


LAB_SPEED = 600  # ten physics minutes per wall second
RAMP_WAIT_S = 1.5


class Chamber:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=IO_TIMEOUT_S)
        self.pending = b""

    def command(self, text, terminator="\r\n"):
        self.sock.sendall((text + terminator).encode("ascii"))
        while b"\r\n" not in self.pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("chamber closed the connection")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\r\n", 1)
        return line.decode("ascii")

    def close(self):
        self.sock.close()


def main():
    if len(sys.argv) < 2:
        skip("usage: test_espec_chamber.py <orbitbench>")
    lab = Lab(sys.argv[1], "--speed", str(LAB_SPEED))
    try:
        check(lab.uris.get("chamber", "").startswith("espec+tcp://"), f"chamber URI: {lab.uris.get('chamber')}")
        chamber = Chamber(*lab.endpoint("chamber"))
        try:
            run(chamber)
            run_front_panel_standby(chamber, lab)
        finally:
            chamber.close()
    finally:
        lab.close()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


def temp_fields(chamber):
    reply = chamber.command("TEMP?")
    fields = reply.split(",")
    check(len(fields) == 4, f"TEMP? -> {reply} (pv,sp,high,low)")
    return [float(f) for f in fields]


def run(chamber):
    rom = chamber.command("ROM?")
    check(len(rom) > 0 and not rom.startswith("NA:"), f"ROM? -> {rom}")
    kind = chamber.command("TYPE?")
    fields = kind.split(",")  # drybulb[,wetbulb],controller,tempmax (ChamberConnectLibrary's read_type)
    check(len(fields) in (3, 4) and fields[-2] == "P300" and float(fields[-1]) >= 100, f"TYPE? -> {kind}")
    check(rom.startswith("P3"), f"ROM? names a P300 as ChamberConnectLibrary tells it: {rom}")
    check(chamber.command("ALARM?") == "0", "ALARM? -> 0")

    pv, sp, high, low = temp_fields(chamber)
    check(low < high and low <= pv <= high, f"pv {pv} within limits [{low}, {high}]")

    check(chamber.command("TEMP, S30.0") == "OK:TEMP, S30.0", "TEMP, S30.0 -> OK:TEMP, S30.0")
    check(chamber.command("MODE, CONSTANT") == "OK:MODE, CONSTANT", "MODE, CONSTANT -> OK")
    check(chamber.command("MODE?") == "CONSTANT", "MODE? -> CONSTANT")
    monitor = chamber.command("MON?").split(",")
    check(len(monitor) == 4 and monitor[2] == "CONSTANT" and monitor[3] == "0",
          f"MON? -> {','.join(monitor)} (temp,humidity,mode,alarms)")
    float(monitor[0])

    time.sleep(RAMP_WAIT_S)
    pv_after, sp_after, _, _ = temp_fields(chamber)
    check(sp_after == 30.0, f"setpoint reads back 30.0 ({sp_after})")
    check(pv_after > pv, f"air moves toward the setpoint: {pv} -> {pv_after}")
    check(pv_after <= 30.0 + 0.05, f"air does not overshoot: {pv_after}")

    # Limits with the setpoint, in the manual's one-command form.
    check(chamber.command("TEMP, S25.0 H100.0 L-20.0") == "OK:TEMP, S25.0 H100.0 L-20.0", "TEMP with H/L limits")
    _, sp, high, low = temp_fields(chamber)
    check((sp, high, low) == (25.0, 100.0, -20.0), f"limits read back: sp {sp} high {high} low {low}")
    check(chamber.command("TEMP, S120.0") == "NA:DATA OUT OF RANGE", "setpoint above the high limit refused")
    check(temp_fields(chamber)[1] == 25.0, "refused setpoint left unchanged")

    check(chamber.command("TEMP, Q5") == "NA:PARA ERR", "bad TEMP parameter -> NA:PARA ERR")
    check(chamber.command("MODE,WARP") == "NA:PARA ERR", "bad MODE -> NA:PARA ERR")
    check(chamber.command("NOSUCH?") == "NA:CMD ERR", "unknown command -> NA:CMD ERR")
    check(chamber.command("MODE?", terminator="\n") == "CONSTANT", "LF-only terminator accepted")
    check(chamber.command("MODE,STANDBY") == "OK:MODE,STANDBY", "MODE,STANDBY -> OK")
    check(chamber.command("MON?").split(",")[2] == "STANDBY", "MON? shows STANDBY")


def run_front_panel_standby(chamber, lab):
    """`fault chamber standby` (the lab's control port) is what a front-panel standby looks like
    to a client: MODE? and MON? say STANDBY, no alarm is raised (orbitbench's runner reads this
    as "not regulating")."""
    check(chamber.command("MODE, CONSTANT") == "OK:MODE, CONSTANT", "back to CONSTANT")
    check(lab.control("fault chamber standby").strip() == "OK", "control port: fault chamber standby")
    check(chamber.command("MODE?") == "STANDBY", "MODE? -> STANDBY after the front-panel standby")
    monitor = chamber.command("MON?").split(",")
    check(monitor[2] == "STANDBY" and monitor[3] == "0", f"MON? -> {','.join(monitor)}: standby, no alarm")


if __name__ == "__main__":
    sys.exit(main())
