#!/usr/bin/python3
"""The simulated GPU agent seen by a third-party client: Google's Python protobuf runtime with
code that protoc generates from drivers/gpu/agent.proto at test time, framed by hand (4-byte
big-endian length + payload).

Usage: test_agent_protobuf.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip (protobuf
runtime or protoc missing)."""
import importlib.util
import os
import pathlib
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_lab_client import Lab, check, failures, skip  # noqa: E402

IO_TIMEOUT_S = 5


REPO = pathlib.Path(__file__).resolve().parents[2]
PROTO = "drivers/gpu/agent.proto"
FRAME_HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 1 << 20
BOARD_SUPPLY = ":APPL CH1,12,3;:OUTP CH1,ON\n"


def load_agent_pb2(out_dir):
    subprocess.run(["protoc", f"-I{REPO}", f"--python_out={out_dir}", PROTO], check=True)
    path = pathlib.Path(out_dir) / "drivers" / "gpu" / "agent_pb2.py"
    spec = importlib.util.spec_from_file_location("agent_pb2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def protocol_version():
    header = (REPO / "drivers/gpu/agent_frame.hpp").read_text()
    return int(re.search(r"kProtocolVersion\s*=\s*(\d+)", header).group(1))


class Agent:
    def __init__(self, pb, host, port):
        self.pb = pb
        self.sock = socket.create_connection((host, port), timeout=IO_TIMEOUT_S)
        self.seq = 0

    def _read_exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("agent closed the connection")
            data += chunk
        return data

    def send_payload(self, payload):
        self.sock.sendall(FRAME_HEADER.pack(len(payload)) + payload)

    def read_response(self):
        (length,) = FRAME_HEADER.unpack(self._read_exact(FRAME_HEADER.size))
        if length > MAX_FRAME_BYTES:
            raise ValueError(f"frame of {length} bytes")
        response = self.pb.Response()
        response.ParseFromString(self._read_exact(length))
        return response

    def call(self, **body):
        self.seq += 1
        request = self.pb.Request(seq=self.seq, **body)
        self.send_payload(request.SerializeToString())
        response = self.read_response()
        check(response.seq == self.seq, f"response seq {response.seq} == request seq {self.seq}")
        return response

    def close(self):
        self.sock.close()


def power_board_one(lab):
    """Switch CH1 on over plain SCPI so that board 0 has power."""
    with socket.create_connection(lab.endpoint("psu"), timeout=IO_TIMEOUT_S) as psu:
        psu.sendall(BOARD_SUPPLY.encode() + b"*OPC?\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = psu.recv(4096)
            if not chunk:
                break
            reply += chunk
        check(reply == b"1\n", "PSU CH1 on (12 V, 3 A)")


def main():
    if len(sys.argv) < 2:
        skip("usage: test_agent_protobuf.py <orbitbench>")
    try:
        import google.protobuf  # noqa: F401
    except ImportError:
        skip("Google's protobuf runtime (Debian python3-protobuf) is not installed")
    if shutil.which("protoc") is None:
        skip("protoc (Debian protobuf-compiler) is not installed")
    with tempfile.TemporaryDirectory() as out_dir:
        pb = load_agent_pb2(out_dir)
    lab = Lab(sys.argv[1])
    try:
        check(lab.uris.get("agent", "").startswith("agent://"), f"agent URI: {lab.uris.get('agent')}")
        run(pb, lab)
    finally:
        lab.close()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


def run(pb, lab):
    version = protocol_version()
    host, port = lab.endpoint("agent")

    stranger = Agent(pb, host, port)
    try:
        response = stranger.call(read_telemetry=pb.ReadTelemetry())
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.BAD_REQUEST,
              "telemetry before hello -> BAD_REQUEST")
        response = stranger.call(hello=pb.Hello(client="python", gpu_index=0, protocol_version=version + 1))
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.BAD_REQUEST,
              "wrong protocol version -> BAD_REQUEST")
        response = stranger.call(hello=pb.Hello(client="python", gpu_index=99, protocol_version=version))
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.OUT_OF_RANGE,
              "unknown gpu_index -> OUT_OF_RANGE")
    finally:
        stranger.close()

    power_board_one(lab)
    agent = Agent(pb, host, port)
    try:
        response = agent.call(hello=pb.Hello(client="python", gpu_index=0, protocol_version=version))
        check(response.WhichOneof("body") == "hello", f"hello -> {response.WhichOneof('body')}")
        hello = response.hello
        check(hello.vendor == "NVIDIA" and hello.uuid.startswith("GPU-"), f"identity {hello.vendor} {hello.uuid}")
        check(0 < hello.power_limit_min_w < hello.power_limit_max_w, "power limit constraints")
        check(hello.power_limit_default_w == hello.power_limit_max_w, "default power limit = max")
        check(hello.protocol_version == version, "agent speaks our protocol version")

        workload = pb.Workload(kind="gemm", dtype="bf16", size=8192)
        response = agent.call(start_workload=pb.StartWorkload(workload=workload))
        check(response.WhichOneof("body") == "ack", f"start_workload -> {response.WhichOneof('body')}")

        response = agent.call(read_telemetry=pb.ReadTelemetry())
        check(response.WhichOneof("body") == "telemetry", "read_telemetry -> telemetry")
        telemetry = response.telemetry
        check(telemetry.workload_running, "workload running")
        check(telemetry.power_w > 0 and telemetry.tflops > 0, f"power {telemetry.power_w} W, {telemetry.tflops} TFLOP/s")
        check(abs(telemetry.board_time_s - time.time()) < 60, "board_time_s is unix time")
        check(telemetry.power_limit_w == hello.power_limit_default_w, "power limit at its default")

        too_high = hello.power_limit_max_w * 10
        response = agent.call(set_power_cap=pb.SetPowerCap(power_w=too_high))
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.OUT_OF_RANGE,
              f"power cap {too_high} W -> OUT_OF_RANGE")
        cap_w = (hello.power_limit_min_w + hello.power_limit_max_w) / 2
        response = agent.call(set_power_cap=pb.SetPowerCap(power_w=cap_w))
        check(response.WhichOneof("body") == "ack", f"power cap {cap_w} W -> ack")
        telemetry = agent.call(read_telemetry=pb.ReadTelemetry()).telemetry
        check(telemetry.power_limit_w == cap_w and telemetry.power_w <= cap_w + 1e-9,
              f"cap applied: limit {telemetry.power_limit_w} W, power {telemetry.power_w} W")

        agent.send_payload(b"\xff\xff\xff\xff")
        response = agent.read_response()
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.BAD_REQUEST,
              "malformed request -> BAD_REQUEST")
        response = agent.call(stop_workload=pb.StopWorkload())
        check(response.WhichOneof("body") == "ack", "stop_workload -> ack (connection still usable)")
        telemetry = agent.call(read_telemetry=pb.ReadTelemetry()).telemetry
        check(not telemetry.workload_running, "workload stopped")
    finally:
        agent.close()


if __name__ == "__main__":
    sys.exit(main())
