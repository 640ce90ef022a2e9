#!/usr/bin/python3
"""The simulated EA PSI 9080-120 2U seen by a third-party client: PyVISA with the pyvisa-py backend
over a raw socket, replaying the command sets of public EA clients:
 - PythonEquipmentDrivers' Intepro_PSI9000 (src/pythonequipmentdrivers/source/_intepro_psi9000.py):
   `SYST:LOCK 1|0`, `SYST:LOCK:OWN?` == "REMOTE", `OUTP 1|0`, `OUTP?` == "ON", `VOLT|CURR|POW <x>` and
   their queries read with .strip("V"/"A"/"W"), `MEAS:VOLT|CURR|POW?`, `MEAS:ARR?` split on ","
   and stripped of " V", " A", " W", `SOUR:VOLT|CURR|POW:PROT <x>` and their queries;
 - ETH hvl_ccb's ea_psi9000 (`SYSTem:LOCK ON`, `SOURce:VOLTage <x>` read back to check it was taken);
 - nominal-io/instro's EA PSB (`VOLT <x:.3f>`, `VOLT:PROT`, `SYST:ERR?` starting with "0" = no error),
and EA's programming guide for what a setting without remote control does (-201, nothing changes).

Usage: test_pyvisa_psi9000.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import import_pyvisa, Lab, check, close_to, exit_code, skip  # noqa: E402

IO_TIMEOUT_MS = 5000


def main():
    if len(sys.argv) < 2:
        skip("usage: test_pyvisa_psi9000.py <orbitbench>")
    pyvisa = import_pyvisa()
    with tempfile.NamedTemporaryFile("w", suffix=".lab") as lab_file:
        lab_file.write("instrument psu-ea psi9080-120\ninstrument chamber espec-p300\ninstrument agent agent\n"
                       "board psu-ea:1 chamber\n")
        lab_file.flush()
        lab = Lab(sys.argv[1], "--config", lab_file.name)
        try:
            uri = lab.uris.get("psu-ea", "")
            check("model=psi9080-120" in uri and lab.models.get("psu-ea") == "psi9080-120", f"psu-ea URI: {uri}")
            host, port = lab.endpoint("psu-ea")
            rm = pyvisa.ResourceManager("@py")
            psu = rm.open_resource(f"TCPIP::{host}::{port}::SOCKET", read_termination="\n",
                                   write_termination="\n", timeout=IO_TIMEOUT_MS)
            try:
                run_without_remote(psu)
                run_intepro_command_set(psu)
                run_hvl_and_instro_command_sets(psu)
            finally:
                psu.close()
                rm.close()
        finally:
            lab.close()
    return exit_code()


def no_error(psu, after):
    error = psu.query("SYST:ERR?").strip()
    check(error.startswith("0"), f"no error after {after}: {error}")  # instro's test


def run_without_remote(psu):
    idn = psu.query("*IDN?").strip()
    fields = [field.strip() for field in idn.split(",")]
    check(len(fields) == 4 and "ELEKTRO-AUTOMATIK" in fields[0].upper() and fields[1] == "PSI 9080-120 2U",
          f"*IDN? -> {idn}")
    check(psu.query("SYST:LOCK:OWN?").strip() == "NONE", "nobody holds remote control at power-up")
    psu.write("VOLT 30")
    check(psu.query("VOLT?").strip() == "0.00V", "a setting without remote control is not executed")
    error = psu.query("SYST:ERR?").strip()
    check(error == '-201,"Invalid while in local"', f"... and queues -201: {error}")
    psu.write("OUTP ON")
    check(psu.query("OUTP?").strip() == "OFF", "nor is OUTP ON")
    psu.query("SYST:ERR?")
    no_error(psu, "reading the queue empty")


def run_intepro_command_set(psu):
    psu.write("SYST:LOCK 1")
    check(psu.query("SYST:LOCK:OWN?") == "REMOTE", "SYST:LOCK 1 -> SYST:LOCK:OWN? == REMOTE")
    psu.write("VOLT 54.0")
    psu.write("CURR 16.0")
    psu.write("POW 900.0")
    check(close_to(float(psu.query("VOLT?").strip("V")), 54.0), "VOLT? -> 54 V")
    check(close_to(float(psu.query("CURR?").strip("A")), 16.0), "CURR? -> 16 A")
    check(close_to(float(psu.query("POW?").strip("W")), 900.0), "POW? -> 900 W")
    psu.write("SOUR:VOLT:PROT 58.0")
    psu.write("SOUR:CURR:PROT 18.0")
    psu.write("SOUR:POW:PROT 1000.0")
    check(close_to(float(psu.query("SOUR:VOLT:PROT?").strip("V")), 58.0), "SOUR:VOLT:PROT? -> 58 V")
    check(close_to(float(psu.query("SOUR:CURR:PROT?").strip("A")), 18.0), "SOUR:CURR:PROT? -> 18 A")
    check(close_to(float(psu.query("SOUR:POW:PROT?").strip("W")), 1000.0), "SOUR:POW:PROT? -> 1000 W")
    psu.write("OUTP 1")
    check(psu.query("OUTP?") == "ON", "OUTP 1 -> OUTP? == ON")
    volts = float(psu.query("MEAS:VOLT?").strip("V"))
    amps = float(psu.query("MEAS:CURR?").strip("A"))
    watts = float(psu.query("MEAS:POW?").strip("W"))
    check(close_to(volts, 54.0, 0.05) and amps >= 0 and watts >= 0, f"MEAS -> {volts} V {amps} A {watts} W")
    v, i, p = psu.query("MEAS:ARR?").split(",")
    v, i, p = float(v.strip(" V")), float(i.strip(" A")), float(p.strip(" W"))
    check(close_to(v, 54.0, 0.05) and close_to(i, amps, 0.5) and p >= 0, f"MEAS:ARR? -> {v}, {i}, {p}")
    status = int(psu.query("STAT:QUES:COND?"))
    check(status == 3072, f"STAT:QUES:COND? -> {status} (remote + output on, the guide's example)")
    operation = int(psu.query("STAT:OPER:COND?"))
    check(operation == 256, f"STAT:OPER:COND? -> {operation} (CV)")
    psu.write("OUTP 0")
    check(psu.query("OUTP?") == "OFF", "OUTP 0 -> OFF")
    no_error(psu, "the Intepro command set")
    psu.write("SYST:LOCK 0")
    check(psu.query("SYST:LOCK:OWN?") == "NONE", "SYST:LOCK 0 -> NONE")


def run_hvl_and_instro_command_sets(psu):
    psu.write("SYSTem:LOCK ON")
    check(psu.query("SYSTem:LOCK:OWNer?") == "REMOTE", "long form: SYSTem:LOCK:OWNer? -> REMOTE")
    psu.write(f"SOURce:VOLTage {48.5:f}")
    check(close_to(float(psu.query("SOURce:VOLTage?").strip("V")), 48.5), "hvl: the set value read back")
    psu.write(f"VOLT {12.345:.3f}")
    psu.write(f"VOLT:PROT {60:.3f}")
    check(psu.query("VOLT?") == "12.35V" or psu.query("VOLT?") == "12.34V", "instro: VOLT with three decimals")
    check(psu.query("VOLT:PROT?") == "60.00V", "instro: VOLT:PROT")
    nominal = [psu.query(q) for q in ("SYST:NOM:VOLT?", "SYST:NOM:CURR?", "SYST:NOM:POW?")]
    check(nominal == ["80V", "120A", "3000W"], f"SYST:NOM:*? -> {nominal}")
    psu.write("VOLT 90")  # above 102 % of 80 V: -222, nothing changes
    error = psu.query("SYST:ERR?").strip()
    check(error.startswith("-222"), f"VOLT 90 -> {error}")
    # An OVP trip: output off, STAT:QUES bit 0; SYST:ERR? acknowledges it once the output is off.
    psu.write("VOLT 12")
    psu.write("VOLT:PROT 10")
    psu.write("OUTP ON")
    status = int(psu.query("STAT:QUES:COND?"))
    check(status & 1 and not status & 2048, f"OVP tripped, output off: STAT:QUES:COND? -> {status}")
    no_error(psu, "the trip")
    status = int(psu.query("STAT:QUES:COND?"))
    check(status == 1024, f"acknowledged by SYST:ERR?: STAT:QUES:COND? -> {status}")
    psu.write("*RST")
    check(psu.query("SYST:LOCK:OWN?") == "REMOTE" and psu.query("OUTP?") == "OFF", "*RST: remote, output off")


if __name__ == "__main__":
    sys.exit(main())
