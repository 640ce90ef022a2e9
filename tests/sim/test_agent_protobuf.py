#!/usr/bin/python3
"""The simulated GPU agent seen by third-party clients: OpenSSL's own `openssl s_client` carries
the TLS 1.3 tunnel (protocol 3: the shared secret as an external PSK, derived here with Python's
hmac module from agent.proto's description), Google's Python protobuf runtime with code that
protoc generates from drivers/gpu/agent.proto at test time, frames by hand (4-byte big-endian
length + payload), and the handshake inside the tunnel done with Python's hmac (HMAC-SHA256
over the secret `orbitbench lab` writes to its `agent-secret file PATH`).

Usage: test_agent_protobuf.py <path to orbitbench>. Exit 0 pass, 1 fail, 77 skip (protobuf
runtime, protoc or openssl missing)."""
import hashlib
import hmac
import importlib.util
import os
import pathlib
import re
import select
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
PSK_IDENTITY = "orbitbench-agent"
PSK_LABEL = b"orbitbench agent TLS 1.3 external PSK"


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


def tls_psk(secret):
    """agent.proto: the external PSK is HMAC-SHA256(secret, label)."""
    return hmac.new(secret, PSK_LABEL, hashlib.sha256).digest()


class Agent:
    """One connection: `openssl s_client` makes the TLS 1.3 handshake with the PSK and carries
    the frames both ways (stdin -> agent, agent -> stdout)."""

    def __init__(self, pb, host, port, secret):
        self.pb = pb
        self.seq = 0
        self.proc = subprocess.Popen(
            ["openssl", "s_client", "-connect", f"{host}:{port}", "-tls1_3", "-psk_identity", PSK_IDENTITY,
             "-psk", tls_psk(secret).hex(), "-quiet", "-nocommands"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def _read_exact(self, count):
        data = b""
        fd = self.proc.stdout.fileno()
        while len(data) < count:
            ready, _, _ = select.select([fd], [], [], IO_TIMEOUT_S)
            if not ready:
                raise TimeoutError("no reply from the agent")
            chunk = os.read(fd, count - len(data))
            if not chunk:
                raise ConnectionError("agent closed the connection")
            data += chunk
        return data

    def send_payload(self, payload):
        self.proc.stdin.write(FRAME_HEADER.pack(len(payload)) + payload)
        self.proc.stdin.flush()

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

    def closed_by_peer(self):
        """s_client ends (its stdout reaches EOF) when the agent closes the connection."""
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], IO_TIMEOUT_S)
        return bool(ready) and os.read(fd, 4096) == b""

    def stderr(self):
        self.close()
        return self.proc.stderr.read().decode(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def hmac_sha256(secret, message):
    return hmac.new(secret, message, hashlib.sha256).digest()


def handshake(agent, pb, secret, gpu_index=0):
    """Hello + Authenticate; returns (whether the agent's proof checked out, the last response)."""
    version = protocol_version()
    client_nonce = os.urandom(32)
    response = agent.call(hello=pb.Hello(client="python", gpu_index=gpu_index, protocol_version=version,
                                         client_nonce=client_nonce))
    if response.WhichOneof("body") != "hello":
        return False, response
    agent_nonce = response.hello.agent_nonce
    expected = hmac_sha256(secret, b"ob-agent|" + client_nonce + agent_nonce)
    proof_ok = hmac.compare_digest(expected, response.hello.agent_proof)
    proof = hmac_sha256(secret, b"ob-controller|" + agent_nonce + client_nonce)
    return proof_ok, agent.call(authenticate=pb.Authenticate(proof=proof))


def closed_by_peer(agent):
    return agent.closed_by_peer()


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
    if shutil.which("openssl") is None:
        skip("openssl (Debian openssl) is not installed")
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
    secret_path = lab.uris.get("agent-secret", "")
    check(secret_path != "" and os.path.isfile(secret_path), f"agent secret file: {secret_path}")
    check(os.stat(secret_path).st_mode & 0o077 == 0, "agent secret file is private (0600)")
    secret = pathlib.Path(secret_path).read_bytes().rstrip()

    # Without the key: OpenSSL's client is refused in the TLS handshake (the agent's alert for a
    # PSK binder that does not verify: illegal_parameter from OpenSSL) and gets no frame at all.
    stranger = Agent(pb, host, port, b"not the secret")
    try:
        check(closed_by_peer(stranger), "a wrong key: the connection ends without a reply")
        errors = stranger.stderr()
        check("alert illegal parameter" in errors,
              f"... in the TLS handshake, with an illegal_parameter alert ({errors.strip()[:200]})")
    finally:
        stranger.close()

    # In the clear (protocol 2's way): no HelloReply, so no agent proof to attack offline.
    with socket.create_connection((host, port), timeout=IO_TIMEOUT_S) as plain:
        hello = pb.Request(seq=1, hello=pb.Hello(client="python", gpu_index=0, protocol_version=2,
                                                 client_nonce=os.urandom(32)))
        payload = hello.SerializeToString()
        plain.sendall(FRAME_HEADER.pack(len(payload)) + payload)
        try:
            reply = plain.recv(4096)
        except (ConnectionError, socket.timeout):
            reply = b""
        check(reply == b"", f"a Hello in the clear is not answered ({len(reply)} bytes came back)")

    stranger = Agent(pb, host, port, secret)
    try:
        response = stranger.call(read_telemetry=pb.ReadTelemetry())
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.NOT_ALLOWED,
              f"telemetry before authenticating -> NOT_ALLOWED ({response.error.message})")
        check(closed_by_peer(stranger), "... and the connection is closed")
    finally:
        stranger.close()

    stranger = Agent(pb, host, port, secret)
    try:
        response = stranger.call(hello=pb.Hello(client="python", gpu_index=0, protocol_version=version + 1,
                                                client_nonce=os.urandom(32)))
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.BAD_REQUEST,
              "wrong protocol version -> BAD_REQUEST")
    finally:
        stranger.close()

    stranger = Agent(pb, host, port, secret)
    try:
        proof_ok, response = handshake(stranger, pb, b"not the secret")
        check(not proof_ok, "the agent's proof does not match a wrong secret")
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.NOT_ALLOWED,
              f"wrong secret inside the tunnel -> NOT_ALLOWED ({response.error.message})")
        check(closed_by_peer(stranger), "... and the connection is closed")
    finally:
        stranger.close()

    stranger = Agent(pb, host, port, secret)
    try:
        _, response = handshake(stranger, pb, secret, gpu_index=99)
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.OUT_OF_RANGE,
              "unknown gpu_index -> OUT_OF_RANGE")
    finally:
        stranger.close()

    power_board_one(lab)
    agent = Agent(pb, host, port, secret)
    try:
        proof_ok, response = handshake(agent, pb, secret)
        check(proof_ok, "the agent proves it knows the secret (HMAC-SHA256, python hmac)")
        check(response.WhichOneof("body") == "auth", f"authenticate -> {response.WhichOneof('body')}")
        auth = response.auth
        check(auth.vendor == "NVIDIA" and auth.uuid.startswith("GPU-"), f"identity {auth.vendor} {auth.uuid}")
        check(0 < auth.power_limit_min_w < auth.power_limit_max_w, "power limit constraints")
        check(auth.power_limit_default_w == auth.power_limit_max_w, "default power limit = max")
        check(auth.capabilities.sample_hz > 0 and auth.capabilities.gpu_count >= 1, "capabilities")
        check(list(auth.capabilities.workload_data) == ["randn", "integer"],
              f"workload data offered: {list(auth.capabilities.workload_data)}")
        bad = pb.Workload(kind="gemm", dtype="bf16", data="uniform")
        response = agent.call(start_workload=pb.StartWorkload(workload=bad))
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.NOT_SUPPORTED
              and "uniform" in response.error.message, "workload data 'uniform' -> NOT_SUPPORTED, named")

        workload = pb.Workload(kind="gemm", dtype="bf16", size=8192)
        response = agent.call(start_workload=pb.StartWorkload(workload=workload))
        check(response.WhichOneof("body") == "ack", f"start_workload -> {response.WhichOneof('body')}")

        response = agent.call(read_telemetry=pb.ReadTelemetry())
        check(response.WhichOneof("body") == "telemetry_batch", "read_telemetry -> telemetry_batch")
        telemetry = response.telemetry_batch.current
        check(telemetry.workload_running, "workload running")
        check(telemetry.power_w > 0 and telemetry.tflops > 0, f"power {telemetry.power_w} W, {telemetry.tflops} TFLOP/s")
        check(abs(telemetry.board_time_s - time.time()) < 60, "board_time_s is unix time")
        check(telemetry.power_limit_w == auth.power_limit_default_w, "power limit at its default")

        time.sleep(0.5)  # the agent samples at 10 Hz on its own
        batch = agent.call(read_telemetry=pb.ReadTelemetry()).telemetry_batch
        seqs = [sample.sample_seq for sample in batch.samples]
        check(len(seqs) >= 3, f"{len(seqs)} samples in 0.5 s")
        check(seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False, "samples consecutive")
        again = agent.call(read_telemetry=pb.ReadTelemetry()).telemetry_batch
        check(all(sample.sample_seq > seqs[-1] for sample in again.samples) if seqs else False, "each sample once")

        check(lab.control("fault agent ecc 0 uncorrected 2") == "OK", "inject 2 uncorrected ECC errors")
        check(lab.control("fault agent sdc 0") == "OK", "inject a corrupted result")
        telemetry = agent.call(read_telemetry=pb.ReadTelemetry()).telemetry_batch.current
        check(telemetry.ecc_uncorrected == 2 and telemetry.sdc_count == 1,
              f"ECC {telemetry.ecc_uncorrected}, SDC {telemetry.sdc_count} in telemetry")

        too_high = auth.power_limit_max_w * 10
        response = agent.call(set_power_cap=pb.SetPowerCap(power_w=too_high))
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.OUT_OF_RANGE,
              f"power cap {too_high} W -> OUT_OF_RANGE")
        cap_w = (auth.power_limit_min_w + auth.power_limit_max_w) / 2
        response = agent.call(set_power_cap=pb.SetPowerCap(power_w=cap_w))
        check(response.WhichOneof("body") == "ack", f"power cap {cap_w} W -> ack")
        telemetry = agent.call(read_telemetry=pb.ReadTelemetry()).telemetry_batch.current
        check(telemetry.power_limit_w == cap_w and telemetry.power_w <= cap_w + 1e-9,
              f"cap applied: limit {telemetry.power_limit_w} W, power {telemetry.power_w} W")

        response = agent.call(hello=pb.Hello(client="python", gpu_index=0, protocol_version=version,
                                             client_nonce=os.urandom(32)))
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.BAD_REQUEST,
              "second hello -> BAD_REQUEST")
        check(closed_by_peer(agent), "... and the connection is closed")
    finally:
        agent.close()

    agent = Agent(pb, host, port, secret)
    try:
        _, response = handshake(agent, pb, secret)
        check(response.WhichOneof("body") == "auth", "a new connection authenticates")
        response = agent.call(stop_workload=pb.StopWorkload())
        check(response.WhichOneof("body") == "ack", "stop_workload -> ack")
        telemetry = agent.call(read_telemetry=pb.ReadTelemetry()).telemetry_batch.current
        check(not telemetry.workload_running, "workload stopped")
        agent.send_payload(b"\xff\xff\xff\xff")
        response = agent.read_response()
        check(response.WhichOneof("body") == "error" and response.error.code == pb.Error.BAD_REQUEST,
              "malformed request -> BAD_REQUEST")
        check(closed_by_peer(agent), "... and the connection is closed")
    finally:
        agent.close()


if __name__ == "__main__":
    sys.exit(main())
