#!/usr/bin/python3
"""The simulated DP832 seen by a third-party client: PyVISA with the pyvisa-py backend over a
raw socket (TCPIP::host::port::SOCKET), as a lab script would drive a real Rigol.

Usage: test_pyvisa_psu.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip (client library
missing)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import import_pyvisa, Lab, check, close_to, failures, skip  # noqa: E402

IO_TIMEOUT_MS = 5000


def main():
    if len(sys.argv) < 2:
        skip("usage: test_pyvisa_psu.py <orbitbench>")
    pyvisa = import_pyvisa()

    lab = Lab(sys.argv[1])
    try:
        check("psu" in lab.uris and "model=dp832" in lab.uris["psu"], f"psu URI names the model: {lab.uris.get('psu')}")
        host, port = lab.endpoint("psu")
        rm = pyvisa.ResourceManager("@py")
        psu = rm.open_resource(f"TCPIP::{host}::{port}::SOCKET", read_termination="\n",
                               write_termination="\n", timeout=IO_TIMEOUT_MS)
        try:
            run(psu)
            run_protection(psu, lab)
            run_qcodes_command_set(psu)
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
    fields = idn.split(",")
    check(len(fields) == 4 and fields[0] == "RIGOL TECHNOLOGIES" and fields[1] == "DP832", f"*IDN? -> {idn}")
    psu.write("*RST")
    psu.write("*CLS")
    check(psu.query("*OPC?").strip() == "1", "*OPC? -> 1")

    # Long and short forms reach the same setting.
    psu.write(":INSTrument:NSELect 1")
    check(psu.query(":INST?").strip() == "CH1", ":INST? -> CH1")
    psu.write(":SOURce:VOLTage:LEVel:IMMediate:AMPLitude 12")
    check(close_to(float(psu.query("VOLT?")), 12.0), "long-form set, short-form query: 12 V")
    psu.write("curr 2.5")
    check(close_to(float(psu.query(":SOURce:CURRent:LEVel:IMMediate:AMPLitude?")), 2.5),
          "short-form set, long-form query: 2.5 A")
    psu.write(":APPL CH2,5,1")
    check(psu.query(":APPL? CH2").strip() == "CH2,5.000,1.0000", ":APPL? CH2 -> CH2,5.000,1.0000")
    check(psu.query("VOLT?;CURR?").strip() == "12.000;2.5000", "compound query VOLT?;CURR?")

    # Output on: the board behind CH1 powers up and draws current.
    psu.write(":OUTP CH1,ON")
    check(psu.query(":OUTP? CH1").strip() == "ON", ":OUTP? CH1 -> ON")
    check(psu.query(":OUTP:MODE? CH1").strip() in ("CV", "CC"), ":OUTP:MODE? CH1 -> CV|CC")
    voltage_v = float(psu.query(":MEAS:VOLT? CH1"))
    current_a = float(psu.query(":MEAS:CURR? CH1"))
    power_w = float(psu.query(":MEAS:POWE? CH1"))
    check(close_to(voltage_v, 12.0, 1e-3), f":MEAS:VOLT? CH1 -> {voltage_v}")
    check(0 < current_a <= 2.5, f":MEAS:CURR? CH1 -> {current_a} (a powered board draws)")
    check(close_to(power_w, voltage_v * current_a, 0.01), f":MEAS:POWE? CH1 -> {power_w} = V*I")
    values = psu.query_ascii_values(":MEAS:ALL? CH1")
    check(len(values) == 3 and close_to(values[0], 12.0, 1e-3), f":MEAS:ALL? CH1 -> {values}")

    psu.write(":OUTP CH1,OFF")
    check(psu.query(":OUTP? CH1").strip() == "OFF", ":OUTP? CH1 -> OFF")
    check(float(psu.query(":MEAS:CURR? CH1")) == 0.0, "no current with the output off")

    # A bad value is refused, queued, and changes nothing.
    check(psu.query("SYST:ERR?").strip() == '+0,"No error"', "error queue empty before")
    psu.write("VOLT 31")
    error = psu.query("SYST:ERR?").strip()
    check(error.startswith("-222,"), f"VOLT 31 -> {error}")
    check(close_to(float(psu.query("VOLT?")), 12.0), "setting unchanged after the refused value")
    psu.write(":APPL CH3,6,1")
    check(psu.query(":SYSTem:ERRor?").strip().startswith("-222,"), "CH3 is limited to 5 V")
    psu.write(":NO:SUCH:COMMand")
    check(psu.query("SYST:ERR?").strip().startswith("-113,"), "unknown header -> -113")
    check(psu.query("SYST:ERR?").strip() == '+0,"No error"', "error queue empty after")


def run_protection(psu, lab):
    """A tripped protection as orbitbench's runner reads it every tick (:OUTP:OVP|OCP:QUES?,
    DP800 Programming Guide 4.8): the trip comes from the lab's control port, the answer here."""
    psu.write(":OUTP:OVP:VAL CH1,12.6")
    psu.write(":OUTP:OVP CH1,ON")
    psu.write(":OUTP CH1,ON")
    check(psu.query(":OUTP:OVP:QUES? CH1").strip() == "NO", ":OUTP:OVP:QUES? CH1 -> NO before the trip")
    check(lab.control("fault psu trip ocp 1").strip() == "OK", "control port: fault psu trip ocp 1")
    check(psu.query(":OUTP:OCP:QUES? CH1").strip() == "YES", ":OUTP:OCP:QUES? CH1 -> YES after the trip")
    check(psu.query(":OUTP:OVP:QUES? CH1").strip() == "NO", ":OUTP:OVP:QUES? CH1 -> NO (it was OCP)")
    check(psu.query(":OUTP? CH1").strip() == "OFF", "the tripped output is off")
    psu.write(":OUTP:OCP:CLEAR CH1")
    check(psu.query(":OUTP:OCP:QUES? CH1").strip() == "NO", ":OUTP:OCP:CLEAR CH1 clears the trip")
    psu.write(":OUTP CH1,OFF")


def run_qcodes_command_set(psu):
    """The command strings QCoDeS's Rigol DP8xx driver sends (qcodes/instrument_drivers/rigol/
    private/DP8xx.py, RigolDP8xxChannel): every parameter prefixed with `:INSTrument:NSELect n;`
    and a blank, long forms throughout, and the SOURce-level protection commands
    (`:VOLTage:PROTection:LEVel`, `:CURRent:PROTection:STATe`) that the DP800 guide lists beside
    :OUTPut:OVP/OCP. QCoDeS itself is not in Debian; its strings are replayed here through PyVISA."""
    psu.write("*RST;*CLS")
    options = [o for o in psu.query("*OPT?").strip().split(",") if o != "0"]
    check("DP8-ACCURACY" not in options, f"*OPT? parses as QCoDeS reads it: {options}")
    select = ":INSTrument:NSELect 2;"
    psu.write(f"{select} :SOURce:VOLTage:LEVel:IMMediate:AMPLitude 4.5")
    check(close_to(float(psu.query(f"{select} :SOURce:VOLTage:LEVel:IMMediate:AMPLitude?")), 4.5), "set_voltage 4.5 V on ch2")
    check(close_to(float(psu.query(":SOUR2:VOLT?")), 4.5), "…on CH2 itself")
    psu.write(f"{select} :SOURce:CURRent:LEVel:IMMediate:AMPLitude 0.75")
    check(close_to(float(psu.query(f"{select} :SOURce:CURRent:LEVel:IMMediate:AMPLitude?")), 0.75), "set_current 0.75 A")
    psu.write(f"{select} :VOLTage:PROTection:LEVel 6.5")
    check(close_to(float(psu.query(f"{select} :VOLTage:PROTection:LEVel?")), 6.5), "ovp_value 6.5 V")
    check(close_to(float(psu.query(":OUTP:OVP:VAL? CH2")), 6.5), "…the same setting as :OUTP:OVP:VAL")
    psu.write(f"{select} :VOLTage:PROTection:STATe ON")
    check(psu.query(f"{select} :VOLTage:PROTection:STATe?").strip() == "ON", "ovp_state ON")
    check(psu.query(":OUTP:OVP? CH2").strip() == "ON", "…the same setting as :OUTP:OVP")
    psu.write(f"{select} :CURRent:PROTection:LEVel 1.5")
    check(close_to(float(psu.query(f"{select} :CURRent:PROTection:LEVel?")), 1.5), "ocp_value 1.5 A")
    psu.write(f"{select} :CURRent:PROTection:STATe ON")
    check(psu.query(f"{select} :CURRent:PROTection:STATe?").strip() == "ON", "ocp_state ON")
    check(psu.query(":OUTP:OCP? CH2").strip() == "ON", "…the same setting as :OUTP:OCP")
    psu.write(f"{select} :OUTPut:STATe ON")
    check(psu.query(f"{select} :OUTPut:STATe?").strip() == "ON", "state ON")
    check(psu.query(f"{select} :OUTPut:MODE?").strip() in ("CV", "CC", "UR"), "mode is CV, CC or UR")
    check(close_to(float(psu.query(f"{select} :MEASure:VOLTage:DC?")), 4.5, 1e-3), "voltage 4.5 V measured")
    check(float(psu.query(f"{select} :MEASure:CURRent:DC?")) >= 0, "current measured")
    check(float(psu.query(f"{select} :MEASure:POWer?")) >= 0, "power measured (:MEASure:POWer?)")
    psu.write(f"{select} :OUTPut:STATe OFF")
    check(psu.query("SYST:ERR?").strip() == '+0,"No error"', "QCoDeS's command set queued no error")


if __name__ == "__main__":
    sys.exit(main())
