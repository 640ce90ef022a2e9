#!/usr/bin/python3
"""The simulated Watlow F4T seen by an independent Modbus TCP client: pymodbus (Debian
python3-pymodbus), reading and writing loop 1's registers as a lab script would drive a real
F4T (0-based addresses, 32-bit floats in two registers, LOW word first).

Usage: test_watlow_modbus.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip (pymodbus missing)."""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import Lab, check, close_to, failures, skip  # noqa: E402

UNIT = 1
LAB_SPEED = 600  # ten physics minutes per wall second
RAMP_WAIT_S = 1.5
LOOP_MODE, ACTIVE_MODE, RANGE_MIN, RANGE_MAX, SETPOINT, RAMPING_SP, PROCESS_VALUE = 2730, 2814, 2774, 2776, 2782, 2810, 2820
DISPLAY_UNITS, ALARM1_STATE = 1328, 1356
# Watlow's values (F4T user's guide; Espec's ChamberConnectLibrary watlowf4t.py agrees).
MODE_OFF, MODE_AUTO, MODE_MANUAL = 62, 10, 54
UNITS_C, UNITS_F = 15, 30
ALARM_NONE = 61
ILLEGAL_FUNCTION, ILLEGAL_ADDRESS, ILLEGAL_VALUE = 1, 2, 3


def words_to_float(low, high):
    return struct.unpack("<f", struct.pack("<HH", low, high))[0]


def float_to_words(value):
    return list(struct.unpack("<HH", struct.pack("<f", value)))  # [low, high]


def main():
    if len(sys.argv) < 2:
        skip("usage: test_watlow_modbus.py <orbitbench>")
    try:
        from pymodbus.client import ModbusTcpClient
        from pymodbus.constants import Endian
        from pymodbus.payload import BinaryPayloadDecoder
    except ImportError as error:
        # Debian's pymodbus 3.0 imports serial_asyncio (python3-serial-asyncio, only recommended).
        skip(f"pymodbus (Debian python3-pymodbus, python3-serial-asyncio) cannot be imported: {error}")

    lab = Lab(sys.argv[1], "--speed", str(LAB_SPEED))
    try:
        uri = lab.uris.get("chamber-f4t", "")
        check(uri.startswith("watlow-f4t+modbus://") and "unit=1" in uri, f"chamber-f4t URI: {uri}")
        host, port = lab.endpoint("chamber-f4t")
        client = ModbusTcpClient(host, port=port, timeout=5)
        check(client.connect(), "pymodbus connects")
        try:
            run(client, Endian, BinaryPayloadDecoder)
        finally:
            client.close()
    finally:
        lab.close()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


def read_float(client, address, Endian, Decoder):
    reply = client.read_holding_registers(address, 2, slave=UNIT)
    check(not reply.isError(), f"read {address}..{address + 1}")
    low, high = reply.registers
    # pymodbus' own decoder, told the F4T's word order, must agree with the hand decoding.
    decoded = Decoder.fromRegisters(reply.registers, byteorder=Endian.Big, wordorder=Endian.Little).decode_32bit_float()
    check(close_to(decoded, words_to_float(low, high), 1e-6), f"pymodbus decoder agrees at {address}: {decoded}")
    return decoded


def run(client, Endian, Decoder):
    pv = read_float(client, PROCESS_VALUE, Endian, Decoder)
    check(15.0 < pv < 30.0, f"process value near the lab's ambient: {pv}")
    low = read_float(client, RANGE_MIN, Endian, Decoder)
    high = read_float(client, RANGE_MAX, Endian, Decoder)
    check(low < high and low <= pv <= high, f"range [{low}, {high}] holds the PV")

    # A multi-register read across the setpoint and its neighbours in one request.
    reply = client.read_holding_registers(RANGE_MIN, 4, slave=UNIT)
    check(not reply.isError() and len(reply.registers) == 4, "4-register read over range min/max")

    # Setpoint written with FC 16 (low word first), read back; the loop switched to auto.
    wrote = client.write_registers(SETPOINT, float_to_words(35.5), slave=UNIT)
    check(not wrote.isError(), "FC 16 writes the setpoint")
    check(close_to(read_float(client, SETPOINT, Endian, Decoder), 35.5, 1e-6), "setpoint reads back 35.5")
    mode = client.read_holding_registers(ACTIVE_MODE, 1, slave=UNIT)
    check(not mode.isError() and mode.registers == [MODE_OFF], f"active mode reads 62 (Off) at first: {getattr(mode, 'registers', mode)}")
    check(not client.write_register(LOOP_MODE, MODE_AUTO, slave=UNIT).isError(), "FC 6 sets control mode Auto (10)")
    mode = client.read_holding_registers(LOOP_MODE, 1, slave=UNIT)
    check(not mode.isError() and mode.registers == [MODE_AUTO], f"control mode reads 10: {getattr(mode, 'registers', mode)}")
    mode = client.read_holding_registers(ACTIVE_MODE, 1, slave=UNIT)
    check(not mode.isError() and mode.registers == [MODE_AUTO], f"active mode reads 10: {getattr(mode, 'registers', mode)}")
    alarm = client.read_holding_registers(ALARM1_STATE, 1, slave=UNIT)
    check(not alarm.isError() and alarm.registers == [ALARM_NONE], f"alarm 1 state None (61): {getattr(alarm, 'registers', alarm)}")
    time.sleep(RAMP_WAIT_S)
    pv_after = read_float(client, PROCESS_VALUE, Endian, Decoder)
    check(pv_after > pv + 1.0, f"the chamber air follows the F4T's setpoint: {pv} -> {pv_after}")
    check(pv_after <= 35.5 + 0.05, f"no overshoot: {pv_after}")
    check(close_to(read_float(client, RAMPING_SP, Endian, Decoder), 35.5, 1e-3), "current setpoint while running")

    # Exceptions: an unmapped address (02), a setpoint outside the range (03), an unknown mode (03).
    bad = client.read_holding_registers(100, 2, slave=UNIT)
    check(bad.isError() and getattr(bad, "exception_code", None) == ILLEGAL_ADDRESS, f"illegal address -> 02: {bad}")
    bad = client.write_registers(PROCESS_VALUE, float_to_words(1.0), slave=UNIT)
    check(bad.isError() and getattr(bad, "exception_code", None) == ILLEGAL_ADDRESS, f"read-only PV write -> 02: {bad}")
    bad = client.write_registers(SETPOINT, float_to_words(high + 10), slave=UNIT)
    check(bad.isError() and getattr(bad, "exception_code", None) == ILLEGAL_VALUE, f"setpoint above range -> 03: {bad}")
    bad = client.write_register(LOOP_MODE, 99, slave=UNIT)
    check(bad.isError() and getattr(bad, "exception_code", None) == ILLEGAL_VALUE, f"loop mode 99 -> 03: {bad}")
    check(close_to(read_float(client, SETPOINT, Endian, Decoder), 35.5, 1e-6), "refused writes changed nothing")

    # Display units: °C here; switched to °F every temperature register reads in °F.
    units = client.read_holding_registers(DISPLAY_UNITS, 1, slave=UNIT)
    check(not units.isError() and units.registers == [UNITS_C], f"display units °C (15): {getattr(units, 'registers', units)}")
    check(not client.write_register(DISPLAY_UNITS, UNITS_F, slave=UNIT).isError(), "FC 6 sets display units °F (30)")
    check(close_to(read_float(client, SETPOINT, Endian, Decoder), 35.5 * 9 / 5 + 32, 1e-3), "setpoint reads 95.9 °F")
    wrote = client.write_registers(SETPOINT, float_to_words(86.0), slave=UNIT)
    check(not wrote.isError(), "FC 16 writes a setpoint in °F")
    check(not client.write_register(DISPLAY_UNITS, UNITS_C, slave=UNIT).isError(), "back to °C")
    check(close_to(read_float(client, SETPOINT, Endian, Decoder), 30.0, 1e-3), "86 °F is 30 °C")

    check(not client.write_register(LOOP_MODE, MODE_MANUAL, slave=UNIT).isError(), "FC 6 sets control mode Manual (54)")
    mode = client.read_holding_registers(ACTIVE_MODE, 1, slave=UNIT)
    check(not mode.isError() and mode.registers == [MODE_MANUAL], "active mode reads 54 (Manual: open loop)")
    check(not client.write_register(LOOP_MODE, MODE_OFF, slave=UNIT).isError(), "FC 6 sets control mode Off (62)")
    mode = client.read_holding_registers(ACTIVE_MODE, 1, slave=UNIT)
    check(not mode.isError() and mode.registers == [MODE_OFF], "active mode reads 62")


if __name__ == "__main__":
    sys.exit(main())
