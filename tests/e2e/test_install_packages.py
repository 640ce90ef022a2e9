#!/usr/bin/python3
"""Install rules and .deb packages (cmake/packaging.cmake), checked on a built tree.

usage: test_install_packages.py --build-dir DIR [--cmake CMAKE] [--cpack CPACK]

(a) `cmake --install DIR --prefix TMP`: every promised file is there — both binaries answer
    --version, the examples, README and docs, the copyright, the systemd unit and its
    environment file (filled in for the prefix), the bash completion (valid bash, completes
    `orbitbench qu` to `query` and offers every option `orbitbench … --help` lists), both man
    pages (groff -man -ww without a warning, naming every command / option), the perf data,
    which the installed orbitbench finds next to itself.
(b) `cpack -G DEB -B TMP --config DIR/CPackConfig.cmake`: exactly the two packages, their
    contents (dpkg-deb -c), control fields and Depends (dpkg-deb -f), the agent's conffile.

Needs orbitbench and orbitbench-agent built. Anything missing fails (exit 1): nothing is skipped.
"""
import argparse
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parents[2]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)
    return condition


def run(cmd, timeout=90, **kwargs):
    """cmd's result; past the timeout its whole process group is killed and it reads as failed."""
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        err += f"\n(killed after {timeout} s)"
        process.returncode = 124
    return subprocess.CompletedProcess(cmd, process.returncode, out, err)


def cache_value(build_dir, name):
    for line in (build_dir / "CMakeCache.txt").read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split("=", 1)[1]
    return ""


def help_options(exe, *words):
    """The options `exe WORDS… --help` lists (CLI11: '  -o,--output TEXT  …')."""
    result = run([str(exe), *words, "--help"])
    check(result.returncode == 0, f"{' '.join(words)} --help exits 0 ({result.stderr.strip()})")
    options = set()
    for line in result.stdout.splitlines():
        m = re.match(r"^\s{2}(-[\w-]+(?:,\s*-[\w-]+)*)", line)
        if m:
            options.update(o.strip() for o in m.group(1).split(","))
    return options


def help_subcommands(exe, *words):
    result = run([str(exe), *words, "--help"])
    text = result.stdout.split("Subcommands:", 1)
    return [] if len(text) < 2 else re.findall(r"^\s{2}(\w[\w-]*)\s", text[1], re.M)


def complete(script, words):
    """COMPREPLY of the completion function for the command line WORDS (the last is completed)."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    program = (f"source '{script}' || exit 3; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
               "_orbitbench || exit 4; printf '%s\\n' \"${COMPREPLY[@]}\"")
    result = run(["bash", "--norc", "--noprofile", "-c", program], cwd=tempfile.gettempdir())
    check(result.returncode == 0 and not result.stderr, f"completion of {words} runs cleanly ({result.stderr.strip()})")
    return [w for w in result.stdout.splitlines() if w]


def check_install(build_dir, prefix, cmake, version, tmp):
    result = run([cmake, "--install", str(build_dir), "--prefix", str(prefix)])
    if not check(result.returncode == 0, f"cmake --install succeeds:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"):
        return

    # The binaries.
    controller, agent = prefix / "bin/orbitbench", prefix / "bin/orbitbench-agent"
    for exe in (controller, agent):
        if check(exe.is_file() and os.access(exe, os.X_OK), f"{exe} installed, executable"):
            result = run([str(exe), "--version"])
            check(result.returncode == 0 and f"{exe.name} {version}" in result.stdout,
                  f"{exe.name} --version prints '{exe.name} {version}' (got {result.stdout.strip()!r})")

    # Examples, docs, copyright.
    share = prefix / "share"
    for example in sorted((SOURCE_DIR / "examples").iterdir()):
        check((share / "orbitbench/examples" / example.name).is_file(), f"example {example.name} installed")
    docs = [SOURCE_DIR / "README.md", *sorted((SOURCE_DIR / "docs").glob("*.md"))]
    for doc in docs:
        check((share / "doc/orbitbench" / doc.name).is_file(), f"share/doc/orbitbench/{doc.name} installed")
    for package in ("orbitbench", "orbitbench-agent"):
        copyright_file = share / "doc" / package / "copyright"
        check(copyright_file.is_file() and "License: Apache-2.0" in copyright_file.read_text(),
              f"share/doc/{package}/copyright names Apache-2.0")
    check((SOURCE_DIR / "LICENSE").is_file() and "Apache License" in (SOURCE_DIR / "LICENSE").read_text()
          and "END OF TERMS AND CONDITIONS" in (SOURCE_DIR / "LICENSE").read_text(), "LICENSE holds the Apache License 2.0")

    # The systemd unit and its environment file, filled in for this prefix.
    unit = prefix / "lib/systemd/system/orbitbench-agent.service"
    env = prefix / "etc/orbitbench/agent.env"
    if check(unit.is_file(), "lib/systemd/system/orbitbench-agent.service installed"):
        text = unit.read_text()
        check("@BINDIR@" not in text and "@SYSCONFDIR@" not in text, "the unit has no placeholder left")
        check(f"ExecStart={prefix}/bin/orbitbench-agent --secret-file {prefix}/etc/orbitbench/agent.secret $ORBITBENCH_AGENT_ARGS" in text,
              "the unit starts the installed agent with the secret under etc/orbitbench and $ORBITBENCH_AGENT_ARGS")
        check(f"EnvironmentFile=-{prefix}/etc/orbitbench/agent.env" in text, "the unit reads etc/orbitbench/agent.env")
        for line in ("Restart=on-failure", "RestartPreventExitStatus=2", "ProtectSystem=strict", "NoNewPrivileges=yes",
                     "Environment=CUDA_DEVICE_ORDER=PCI_BUS_ID", "WantedBy=multi-user.target"):
            check(re.search(rf"^{re.escape(line)}$", text, re.M), f"the unit says {line}")
        for breaks_gpu in ("PrivateDevices=yes", "ProtectKernelModules=yes", "MemoryDenyWriteExecute=yes", "DevicePolicy=",
                           "DeviceAllow=", "ProtectClock=yes", "ProcSubset=pid"):
            check(not re.search(rf"^{re.escape(breaks_gpu)}", text, re.M), f"the unit leaves out {breaks_gpu} (it breaks NVML/CUDA)")
    if check(env.is_file(), "etc/orbitbench/agent.env installed"):
        text = env.read_text()
        check(re.search(r'^ORBITBENCH_AGENT_ARGS="--listen 0\.0\.0\.0 --port 7600"$', text, re.M), "agent.env sets ORBITBENCH_AGENT_ARGS")
        check("--read-only" in text and "@SYSCONFDIR@" not in text, "agent.env explains --read-only, no placeholder left")
        # Every option of the agent is named in the env file's comments.
        for option in help_options(agent) - {"-h", "--help", "--version", "--secret-file"}:
            check(option in text, f"agent.env mentions {option}")

    # Bash completion: valid bash, `orbitbench qu` → query, every option of every command.
    completion = share / "bash-completion/completions/orbitbench"
    if check(completion.is_file(), "share/bash-completion/completions/orbitbench installed"):
        check(run(["bash", "-n", str(completion)]).returncode == 0, "the completion script is valid bash")
        check(complete(completion, ["orbitbench", "qu"]) == ["query"], "`orbitbench qu<TAB>` completes to query")
        commands = help_subcommands(controller)
        check(len(commands) >= 10, f"orbitbench --help lists the commands ({commands})")
        check(sorted(complete(completion, ["orbitbench", ""])) == sorted(commands),
              f"`orbitbench <TAB>` offers exactly the commands of orbitbench --help ({commands})")
        for words in [[c] for c in commands] + [["query", a] for a in help_subcommands(controller, "query")] + \
                [["db", a] for a in help_subcommands(controller, "db")]:
            offered = set(complete(completion, ["orbitbench", *words, "-"]))
            # query's own options may come after the analysis too
            expected = help_options(controller, *words) | (help_options(controller, "query") if words[0] == "query" else set())
            missing = expected - offered
            check(not missing, f"`orbitbench {' '.join(words)} -<TAB>` offers every option of its --help (missing {sorted(missing)})")
        check(complete(completion, ["orbitbench", "query", "--db", "x.db", "--format", ""]) == ["table", "csv", "json"],
              "`--format <TAB>` offers table csv json")
        check("sgp4" in complete(completion, ["orbitbench", "perf", "s"]), "`orbitbench perf s<TAB>` offers sgp4")

    # Man pages: render without a warning, name every command and option, carry the version.
    groff = shutil.which("groff")
    check(groff is not None, "groff is installed (scripts/install-deps.sh test: groff-base)")
    for page, exe in (("orbitbench.1", controller), ("orbitbench-agent.1", agent)):
        gzipped = share / "man/man1" / f"{page}.gz"
        if not check(gzipped.is_file(), f"share/man/man1/{page}.gz installed") or groff is None:
            continue
        check(gzipped.read_bytes()[4:8] == b"\0\0\0\0", f"{page}.gz has no time stamp (gzip -n: reproducible)")
        source = gzip.decompress(gzipped.read_bytes()).decode()
        path = tmp / page
        path.write_text(source)
        result = run([groff, "-man", "-Tutf8", "-ww", "-z", str(path)])
        check(result.returncode == 0 and not result.stderr.strip(), f"{page} renders without warnings: {result.stderr.strip()}")
        check(re.search(rf'^\.TH \S+ 1 "[^"]+" "orbitbench {re.escape(version)}"', source, re.M), f"{page}'s .TH carries version {version}")
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "FILES", "EXAMPLES", "SEE ALSO"):
            check(re.search(rf"^\.SH {section}$", source, re.M), f"{page} has a {section} section")
        text = run([groff, "-man", "-Tascii", "-P-cbou", str(path)]).stdout
        text = re.sub(r"-\n\s+", "-", text)  # an option broken at its hyphen
        names = help_options(exe) | (set(commands) if page == "orbitbench.1" else set())
        if page == "orbitbench.1":
            for words in [[c] for c in commands] + [["query", a] for a in help_subcommands(controller, "query")]:
                names |= help_options(controller, *words)
        missing = sorted(n for n in names if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text))
        check(not missing, f"{page} names every command and option (missing {missing})")
    exit_codes = re.findall(r"Exit codes:(.*?)\n\n", (SOURCE_DIR / "README.md").read_text(), re.S)
    if check(exit_codes, "README.md has its 'Exit codes:' paragraph") and (share / "man/man1/orbitbench.1.gz").is_file():
        man = gzip.decompress((share / "man/man1/orbitbench.1.gz").read_bytes()).decode()
        for code in re.findall(r"(\d+) [a-z]", exit_codes[0]):
            check(f".B {code}\n" in man, f"orbitbench.1 lists exit code {code}")

    # perf data, found by the installed orbitbench next to itself.
    data = share / "orbitbench/perf-data"
    for rel in ("tests/data/sgp4/SGP4-VER.TLE", "tests/data/sgp4/iss.tle", "tests/perf/satellitejs/bench.mjs",
                "tests/perf/satellitejs/package.json"):
        check((data / rel).is_file(), f"perf data {rel} installed")
    result = run([str(controller), "perf", "sgp4", "--quick", "--work-dir", str(tmp / "perf")])
    check(result.returncode == 0 and f"perf data: {data}\n" in result.stdout,
          f"the installed orbitbench perf uses {data} (exit {result.returncode}):\n{result.stdout[-1500:]}{result.stderr[-1500:]}")
    result = run([str(controller), "perf", "sgp4", "--quick", "--source-dir", str(tmp / "nowhere")])
    check(result.returncode == 1 and f"looked for {tmp / 'nowhere'}/tests/data/sgp4/SGP4-VER.TLE" in result.stderr,
          f"perf without its data is exit 1 naming where it looked (exit {result.returncode}: {result.stderr.strip()})")


def deb_fields(deb):
    result = run(["dpkg-deb", "-f", str(deb)])
    check(result.returncode == 0, f"dpkg-deb -f {deb.name}: {result.stderr.strip()}")
    fields = {}
    for line in result.stdout.splitlines():
        if line and not line[0].isspace() and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def check_packages(build_dir, cpack, version, tmp):
    out = tmp / "packages"
    result = run([cpack, "-G", "DEB", "-B", str(out), "--config", str(build_dir / "CPackConfig.cmake")])
    if not check(result.returncode == 0, f"cpack -G DEB succeeds:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"):
        return
    debs = sorted(p.name for p in out.glob("*.deb"))
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    expected = sorted([f"orbitbench_{version}_{arch}.deb", f"orbitbench-agent_{version}_{arch}.deb"])
    if not check(debs == expected, f"cpack makes exactly {expected} (got {debs})"):
        return
    controller_deb, agent_deb = out / f"orbitbench_{version}_{arch}.deb", out / f"orbitbench-agent_{version}_{arch}.deb"

    contents = {}
    for deb in (controller_deb, agent_deb):
        result = run(["dpkg-deb", "-c", str(deb)])
        check(result.returncode == 0, f"dpkg-deb -c {deb.name}")
        contents[deb] = {line.split()[-1].lstrip(".") for line in result.stdout.splitlines() if line.strip()}
    examples = [f"/usr/share/orbitbench/examples/{p.name}" for p in (SOURCE_DIR / "examples").iterdir()]
    for path in ["/usr/bin/orbitbench", "/usr/share/doc/orbitbench/README.md", "/usr/share/doc/orbitbench/copyright",
                 "/usr/share/doc/orbitbench/configuration.md", "/usr/share/bash-completion/completions/orbitbench",
                 "/usr/share/man/man1/orbitbench.1.gz", "/usr/share/orbitbench/perf-data/tests/data/sgp4/SGP4-VER.TLE", *examples]:
        check(path in contents[controller_deb], f"{controller_deb.name} holds {path}")
    for path in ["/usr/bin/orbitbench-agent", "/usr/lib/systemd/system/orbitbench-agent.service", "/etc/orbitbench/agent.env",
                 "/usr/share/man/man1/orbitbench-agent.1.gz", "/usr/share/doc/orbitbench-agent/copyright"]:
        check(path in contents[agent_deb], f"{agent_deb.name} holds {path}")
    check("/usr/bin/orbitbench-agent" not in contents[controller_deb], "the controller's package leaves the agent out")
    check("/usr/bin/orbitbench" not in contents[agent_deb], "the agent's package leaves the controller out")
    check(not any("/etc/orbitbench/agent.secret" in p for p in contents[agent_deb]), "no secret is shipped")

    controller_fields, agent_fields = deb_fields(controller_deb), deb_fields(agent_deb)
    for fields, name in ((controller_fields, "orbitbench"), (agent_fields, "orbitbench-agent")):
        check(fields.get("Package") == name, f"{name}: Package {fields.get('Package')}")
        check(fields.get("Version") == version, f"{name}: Version {fields.get('Version')} is the project's {version}")
        check(fields.get("Maintainer"), f"{name}: has a Maintainer")
        check(fields.get("Section"), f"{name}: has a Section")
        check(fields.get("Architecture") == arch, f"{name}: Architecture {arch}")
        print(f"{name}: Depends: {fields.get('Depends')}")
    def depends(fields):  # package names of Depends: "libc6 (>= 2.34), libspdlog1.10-fmt9" → [libc6, libspdlog1.10-fmt9]
        return [d.strip().split()[0] for d in fields.get("Depends", "").split(",") if d.strip()]

    controller_depends, agent_depends = depends(controller_fields), depends(agent_fields)
    wanted = [r"libsqlite3-0", r"libprotobuf\d+", r"libssl3", r"libyaml-cpp[\d.]+", r"libspdlog[\w.+-]+", r"libmodbus\d+",
              r"libstdc\+\+6", r"libc6"]
    if cache_value(build_dir, "ORBITBENCH_WITH_IIO") in ("ON", "1", "TRUE"):
        wanted.append(r"libiio\d+")
    for lib in wanted:
        check(any(re.fullmatch(lib, d) for d in controller_depends), f"orbitbench Depends on {lib} (Depends: {controller_depends})")
    for lib in (r"libprotobuf\d+", r"libssl3", r"libc6", r"libstdc\+\+6"):
        check(any(re.fullmatch(lib, d) for d in agent_depends), f"orbitbench-agent Depends on {lib} (Depends: {agent_depends})")
    for lib in ("libsqlite3", "libyaml-cpp", "libspdlog", "libiio", "libmodbus"):
        check(not any(d.startswith(lib) for d in agent_depends), f"orbitbench-agent does not depend on {lib} (Depends: {agent_depends})")

    conffiles = run(["dpkg-deb", "--info", str(agent_deb), "conffiles"])
    check(conffiles.stdout.split() == ["/etc/orbitbench/agent.env"], f"the agent's conffiles: /etc/orbitbench/agent.env (got {conffiles.stdout!r})")
    for script in ("postinst", "prerm", "postrm"):
        check(run(["dpkg-deb", "--info", str(agent_deb), script]).returncode == 0, f"the agent's package has a {script}")

    # Unpacked: the unit names the packaged paths, the binaries are stripped.
    root = tmp / "unpacked"
    for deb in (controller_deb, agent_deb):
        check(run(["dpkg-deb", "-x", str(deb), str(root)]).returncode == 0, f"dpkg-deb -x {deb.name}")
    unit = (root / "usr/lib/systemd/system/orbitbench-agent.service").read_text()
    check("ExecStart=/usr/bin/orbitbench-agent --secret-file /etc/orbitbench/agent.secret $ORBITBENCH_AGENT_ARGS" in unit,
          "the packaged unit runs /usr/bin/orbitbench-agent with /etc/orbitbench/agent.secret")
    check("EnvironmentFile=-/etc/orbitbench/agent.env" in unit, "the packaged unit reads /etc/orbitbench/agent.env")
    for exe in ("usr/bin/orbitbench", "usr/bin/orbitbench-agent"):
        sections = run(["readelf", "-S", str(root / exe)]).stdout
        check(".debug_info" not in sections, f"the packaged {exe} is stripped")

    # A build with debug information: each package's -dbgsym .ddeb holds it, by build id.
    if cache_value(build_dir, "CMAKE_BUILD_TYPE") not in ("RelWithDebInfo", "Debug"):
        print(f"no -dbgsym packages expected from a {cache_value(build_dir, 'CMAKE_BUILD_TYPE')} build")
        return
    ddebs = sorted(p.name for p in out.glob("*.ddeb"))
    expected = sorted([f"orbitbench-dbgsym_{version}_{arch}.ddeb", f"orbitbench-agent-dbgsym_{version}_{arch}.ddeb"])
    if not check(ddebs == expected, f"cpack makes the debug packages {expected} (got {ddebs})"):
        return
    debug_root = tmp / "unpacked-dbgsym"
    for ddeb, exe, package in (("orbitbench-dbgsym", "usr/bin/orbitbench", "orbitbench"),
                               ("orbitbench-agent-dbgsym", "usr/bin/orbitbench-agent", "orbitbench-agent")):
        path = out / f"{ddeb}_{version}_{arch}.ddeb"
        check(deb_fields(path).get("Package") == ddeb, f"{path.name}: Package {ddeb}")
        check(run(["dpkg-deb", "-x", str(path), str(debug_root)]).returncode == 0, f"dpkg-deb -x {path.name}")
        notes = run(["readelf", "-n", str(root / exe)]).stdout
        build_id = re.search(r"Build ID: ([0-9a-f]+)", notes)
        if not check(build_id, f"the packaged {exe} has a build id"):
            continue
        debug_file = debug_root / "usr/lib/debug/.build-id" / build_id[1][:2] / f"{build_id[1][2:]}.debug"
        check(debug_file.is_file(), f"{ddeb} holds {exe}'s debug information by build id ({debug_file.relative_to(debug_root)})")
        if debug_file.is_file():
            check(".debug_info" in run(["readelf", "-S", str(debug_file)]).stdout,
                  f"{debug_file.name} has .debug_info")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True, type=Path)
    parser.add_argument("--cmake", default="cmake")
    parser.add_argument("--cpack", default="cpack")
    args = parser.parse_args()
    build_dir = args.build_dir.resolve()
    version = cache_value(build_dir, "CMAKE_PROJECT_VERSION")
    check(re.fullmatch(r"\d+\.\d+\.\d+", version or ""), f"the project version is in {build_dir}/CMakeCache.txt ({version!r})")
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "readelf", "bash"):
        check(shutil.which(tool), f"{tool} is installed (scripts/install-deps.sh build: dpkg-dev, binutils)")
    tmp = Path(tempfile.mkdtemp(prefix="orbitbench-install-"))
    try:
        check_install(build_dir, tmp / "prefix", args.cmake, version, tmp)
        check_packages(build_dir, args.cpack, version, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        return 1
    print("install and packages: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
