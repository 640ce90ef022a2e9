#!/usr/bin/python3
"""The simulated Keysight E36312A seen by a third-party client: PyVISA with the pyvisa-py backend
over a raw socket, with the E36300 channel-list forms (`VOLT 5,(@1)`, `OUTP? (@1,2)`), protection,
status and the IEEE 488.2 common commands.

Usage: test_pyvisa_e36312a.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import import_pyvisa, Lab, check, close_to, failures, skip  # noqa: E402

IO_TIMEOUT_MS = 5000


def main():
    if len(sys.argv) < 2:
        skip("usage: test_pyvisa_e36312a.py <orbitbench>")
    pyvisa = import_pyvisa()

    lab = Lab(sys.argv[1])
    try:
        uri = lab.uris.get("psu-e36312a", "")
        check("model=e36312a" in uri and lab.models.get("psu-e36312a") == "e36312a", f"psu-e36312a URI: {uri}")
        host, port = lab.endpoint("psu-e36312a")
        rm = pyvisa.ResourceManager("@py")
        psu = rm.open_resource(f"TCPIP::{host}::{port}::SOCKET", read_termination="\n",
                               write_termination="\n", timeout=IO_TIMEOUT_MS)
        try:
            run(psu)
            run_pymeasure_command_set(psu)
            run_sigrok_e36300_command_set(psu)
        finally:
            psu.close()
            rm.close()
    finally:
        lab.close()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


def run(psu):
    idn = psu.query("*IDN?").strip()
    check(idn == "Keysight Technologies,E36312A,MY59002391,2.1.0-1.0.4-1.12", f"*IDN? -> {idn}")
    psu.write("*RST;*CLS")
    psu.write("SYST:REM")
    check(psu.query("*OPC?").strip() == "1", "*OPC? -> 1")
    check(psu.query("*TST?").strip() == "0", "*TST? -> 0")
    check(psu.query("*ESR?").strip() == "0", "*ESR? -> 0 after *CLS")

    # Channel lists: one channel, several, a range.
    psu.write("VOLT 5,(@1)")
    psu.write("CURR 1,(@1)")
    psu.write("VOLT 12, (@2:3)")
    volts = psu.query_ascii_values("VOLT? (@1:3)")
    check(len(volts) == 3 and close_to(volts[0], 5) and close_to(volts[1], 12) and close_to(volts[2], 12),
          f"VOLT? (@1:3) -> {volts}")
    check(close_to(float(psu.query("CURR? (@1)")), 1.0), "CURR? (@1) -> 1")
    psu.write("OUTP ON,(@1)")
    check(psu.query("OUTP? (@1,2)").strip() == "1,0", "OUTP? (@1,2) -> 1,0")
    check(close_to(float(psu.query("MEAS:VOLT? (@1)")), 5.0, 1e-3), "MEAS:VOLT? (@1) -> 5 V")
    check(float(psu.query("MEAS:CURR? (@1)")) == 0.0, "CH1 feeds no board: 0 A")
    check(psu.query("STAT:QUES:INST:ISUM1:COND?").strip() == "2", "ISUM1 -> CV")

    # Compound queries in one program message (IEEE 488.2 7.4 / SCPI-99 6.2.4; Keysight's "Command
    # separators": after `;` a leading `:` returns to the root, without it the header continues the
    # previous one's path): ONE response message, its units `;`-separated (488.2 8.4.1), each
    # keeping its own commas.
    reply = psu.query("MEAS:VOLT? (@1);:MEAS:CURR? (@1);:OUTP? (@1,2);:VOLT:PROT:TRIP? (@1)").strip()
    fields = reply.split(";")
    check(len(fields) == 4 and close_to(float(fields[0]), 5.0, 1e-3) and float(fields[1]) == 0.0
          and fields[2] == "1,0" and fields[3] == "0", f"compound query -> {reply}")
    reply = psu.query("MEAS:VOLT? (@1);CURR? (@1)").strip()  # CURR? continues MEAS:
    fields = reply.split(";")
    check(len(fields) == 2 and close_to(float(fields[0]), 5.0, 1e-3) and float(fields[1]) == 0.0,
          f"compound query in one subsystem -> {reply}")
    check(psu.query("SYST:ERR?").strip() == '+0,"No error"', "the compound queries queued no error")

    # INST:NSEL and the plain forms act on the selected channel.
    psu.write(":INST:NSEL 2")
    check(psu.query(":INST:NSEL?").strip() == "2", ":INST:NSEL? -> 2")
    psu.write(":SOURce:VOLTage:LEVel:IMMediate:AMPLitude 7.5")
    check(close_to(float(psu.query("VOLT? (@2)")), 7.5), "long form on the selected channel")

    # Over-voltage protection trips, reads back, clears.
    psu.write(":VOLT:PROT 6,(@2)")
    psu.write("OUTP ON,(@2)")
    check(psu.query(":VOLT:PROT:TRIP? (@2)").strip() == "1", "7.5 V over a 6 V OVP trips")
    check(psu.query("OUTP? (@2)").strip() == "0", "the tripped output is off")
    psu.write("OUTP:PROT:CLE (@2)")
    check(psu.query(":VOLT:PROT:TRIP? (@2)").strip() == "0", "OUTP:PROT:CLE clears the trip")
    psu.write(":CURR:PROT:STAT ON,(@1)")
    check(psu.query(":CURR:PROT:STAT? (@1)").strip() == "1", ":CURR:PROT:STAT? -> 1")
    check(psu.query(":CURR:PROT:TRIP? (@1)").strip() == "0", ":CURR:PROT:TRIP? -> 0")

    # Watchdog settings.
    psu.write("OUTP:PROT:WDOG:DEL 5")
    check(close_to(float(psu.query("OUTP:PROT:WDOG:DEL?")), 5.0), "OUTP:PROT:WDOG:DEL? -> 5")
    psu.write("OUTP:PROT:WDOG OFF")

    # Errors: standard codes and messages; the event status shows them.
    check(psu.query("SYST:ERR?").strip() == '+0,"No error"', "error queue empty")
    psu.write("VOLT 7,(@1)")  # CH1 is a 6 V output
    check(psu.query("SYST:ERR?").strip() == '-222,"Data out of range"', "VOLT 7,(@1) -> -222")
    psu.write("VOLT 1,(@4)")
    check(psu.query("SYST:ERR?").strip() == '-224,"Illegal parameter value"', "channel 4 -> -224")
    psu.write(":NO:SUCH")
    check(psu.query("SYST:ERR?").strip() == '-113,"Undefined header"', "unknown header -> -113")
    esr = int(psu.query("*ESR?"))
    check(esr & 32 and esr & 16, f"*ESR? shows command and execution errors: {esr}")
    psu.write("*RST")
    check(psu.query("OUTP? (@1:3)").strip() == "0,0,0", "*RST switches every output off")


def run_pymeasure_command_set(psu):
    """The strings PyMeasure's KeysightE36312A driver sends (pymeasure/instruments/keysight/
    keysightE36312A.py: `VOLT %g, (@ch)`, `CURR %g, (@ch)`, `OUTPut %d, (@ch)`, `OUTPut? (@ch)`,
    `MEASure:VOLTage? (@ch)`, `MEAS:CURRent? (@ch)`), replayed through PyVISA (PyMeasure is not in
    Debian 12)."""
    psu.write("*RST;*CLS")
    psu.write("VOLT %g, (@%d)" % (3.3, 1))
    psu.write("CURR %g, (@%d)" % (0.25, 1))
    check(close_to(float(psu.query("VOLT? (@1)")), 3.3), "voltage_setpoint 3.3 V on ch 1")
    check(close_to(float(psu.query("CURR? (@1)")), 0.25), "current_limit 0.25 A on ch 1")
    psu.write("OUTPut %d, (@%d)" % (1, 1))
    check(psu.query("OUTPut? (@1)").strip() == "1", "output_enabled reads 1")
    check(close_to(float(psu.query("MEASure:VOLTage? (@1)")), 3.3, 1e-3), "voltage measured 3.3 V")
    check(float(psu.query("MEAS:CURRent? (@1)")) >= 0, "current measured")
    psu.write("OUTPut %d, (@%d)" % (0, 1))
    check(psu.query("OUTPut? (@1)").strip() == "0", "output_enabled reads 0")
    check(psu.query("SYST:ERR?").strip() == '+0,"No error"', "PyMeasure's command set queued no error")


def run_sigrok_e36300_command_set(psu):
    """The strings libsigrok's scpi-pps driver sends to an E36300A-series supply (its
    keysight_e36300a_cmd table in src/hardware/scpi-pps/profiles.c, after 0.5.2: Debian 12's
    sigrok-cli predates that profile, so its strings are replayed here): remote, channel select,
    then plain headers on the selected channel, and ISUM<n> for regulation."""
    psu.write("*RST;*CLS")
    psu.write("SYST:REM")
    psu.write(":INST:NSEL 2")
    psu.write(":SOUR:VOLT %.6f" % 4.2)
    psu.write(":SOUR:CURR %.6f" % 0.5)
    check(close_to(float(psu.query(":SOUR:VOLT?")), 4.2), ":SOUR:VOLT? on the selected channel")
    check(close_to(float(psu.query("VOLT? (@2)")), 4.2), "…which is channel 2")
    check(close_to(float(psu.query(":SOUR:CURR?")), 0.5), ":SOUR:CURR?")
    psu.write(":VOLT:PROT %.6f" % 10.0)
    check(close_to(float(psu.query(":VOLT:PROT?")), 10.0), ":VOLT:PROT?")
    psu.write(":CURR:PROT:STAT 1")
    check(psu.query(":CURR:PROT:STAT?").strip() == "1", ":CURR:PROT:STAT?")
    psu.write("OUTP:STAT ON")
    check(psu.query("OUTP:STAT?").strip() == "1", "OUTP:STAT? -> 1")
    check(close_to(float(psu.query(":MEAS:VOLT?")), 4.2, 1e-3), ":MEAS:VOLT? on the selected channel")
    check(float(psu.query(":MEAS:CURR?")) >= 0, ":MEAS:CURR?")
    check(psu.query(":CURR:PROT:TRIP?").strip() == "0" and psu.query(":VOLT:PROT:TRIP?").strip() == "0",
          "no protection tripped")
    check(psu.query(":STAT:QUES:INST:ISUM2:COND?").strip() in ("1", "2"), "ISUM2 reads CC or CV")
    psu.write("OUTP:STAT OFF")
    psu.write("SYST:LOC")
    check(psu.query("SYST:ERR?").strip() == '+0,"No error"', "libsigrok's E36300 command set queued no error")


if __name__ == "__main__":
    sys.exit(main())
