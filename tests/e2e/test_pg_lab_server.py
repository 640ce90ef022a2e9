#!/usr/bin/env python3
"""A lab's stations report into one PostgreSQL (issue 20), against a real server.

Run under Debian's pg_virtualenv (tests/CMakeLists.txt), which starts a throw-away PostgreSQL
cluster and sets PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for this script.

Two simulated stations run the quick campaign. The second is pushed while it records. A push of
the first is killed part-way (held at its last transaction by a lock, then SIGKILLed). Then both
push at once, and again. The server must then hold exactly the stations' rows; its analyses must
print byte for byte what the same files merged with `db merge` print; `query sql` must not
write; a report must render from it; and the station files must be untouched.

usage: test_pg_lab_server.py ORBITBENCH
"""
import hashlib
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

ORBITBENCH = str(pathlib.Path(sys.argv[1]).resolve())
SOURCE = pathlib.Path(__file__).resolve().parents[2]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def orbitbench(*args, cwd=None, check_exit=True, env_password=True):
    env = dict(os.environ)
    if not env_password:
        env.pop("PGPASSWORD", None)
    done = subprocess.run([ORBITBENCH, *args], cwd=cwd, capture_output=True, text=True, timeout=240, env=env)
    if check_exit and done.returncode != 0:
        sys.exit(f"orbitbench {' '.join(args)}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def psql(sql):
    done = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        sys.exit(f"psql {sql}: {done.stderr}")
    return done.stdout.strip()


def sqlite_count(path, sql):
    import sqlite3
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchone()[0]


def without_ids(text):
    """CSV rows without the columns that hold a database's own ids (the server numbers rows as they arrive)."""
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text)))
    keep = [i for i, name in enumerate(rows[0]) if name not in ("campaign_id", "run", "run_id", "id")] if rows else []
    return [[row[i] for i in keep] for row in rows]


def digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def main():
    if "PGPORT" not in os.environ:
        sys.exit("needs a PostgreSQL server: run under pg_virtualenv (packages postgresql-15 and postgresql-common: "
                 "scripts/install-deps.sh test)")
    url = "postgresql://{}@{}:{}/{}".format(os.environ.get("PGUSER", "postgres"), os.environ.get("PGHOST", "localhost"),
                                            os.environ["PGPORT"], os.environ.get("PGDATABASE", "postgres"))
    work = pathlib.Path(tempfile.mkdtemp(prefix="ob-pg-"))
    quick_station = (SOURCE / "examples/quick-station.yaml").read_text()
    quick_campaign = (SOURCE / "examples/quick-campaign.yaml").read_text()
    # Station 2 names the server in its file (results.push): the runner pushes while recording.
    (work / "bay-2.yaml").write_text(quick_station.replace("station: sim-bench", "station: bay-2", 1) +
                                     f"results: {{ push: \"{url}\", every: 2s }}\n")
    (work / "campaign-2.yaml").write_text(quick_campaign.replace("station: quick-station.yaml", "station: bay-2.yaml", 1))
    bay1, bay2 = work / "bay-1.db", work / "bay-2.db"

    # Station 1 pushes to a server that is not there: the campaign must not notice.
    dead = "postgresql://nobody@127.0.0.1:1/none"
    done = orbitbench("run", "-q", "--db", str(bay1), "--push", dead, "--push-every", "2s", cwd=work, check_exit=False)
    log1 = (work / "bay-1.log").read_text()
    check(done.returncode == 0 and "verdict: PASS" in done.stdout, f"a campaign pushing to a dead server passes: {done.stderr[-300:]}")
    check("push to postgresql://nobody@127.0.0.1:1/none failed, retrying: " in log1 and
          "the last push to postgresql://nobody@127.0.0.1:1/none failed" in log1, "the log says the push failed")
    check(psql("SELECT to_regclass('orbitbench.campaigns') IS NULL") == "t", "nothing reached the live server")

    # Station 2 is pushed while it records: its runs in progress go up to their last commit.
    recording = subprocess.Popen([ORBITBENCH, "run", "-q", "campaign-2.yaml", "--db", str(bay2)], cwd=work,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    pushes_while_recording = 0
    while recording.poll() is None:
        time.sleep(2)
        if bay2.exists() and recording.poll() is None:
            done = orbitbench("db", "push", str(bay2), "--to", url, check_exit=False)
            if done.returncode != 0:
                check(False, f"a push beside the recording campaign succeeds: {done.stderr.strip()}")
            pushes_while_recording += 1
    check(recording.returncode == 0, f"station 2's campaign completes while being pushed: {recording.stderr.read()[-300:]}")
    log2 = (work / "bay-2.log").read_text()
    check("bay-2.db to postgresql://" in log2 and "push(es), the last at the campaign's end" in log2
          and "behind (1 push(es) so far)" in log2, "station 2's runner pushed as its file says, and logged the server's lag")
    for table in ("samples", "events", "measurements", "run_bins"):
        local = sqlite_count(bay2, f"SELECT count(*) FROM {table}")
        server = int(psql(f"SELECT count(*) FROM orbitbench.{table}"))
        check(server == local, f"after the campaign, its own pushes left the server all its {local} {table} ({server})")
    check(pushes_while_recording >= 3 and len(failures) == 0, f"{pushes_while_recording} pushes happened while station 2 recorded")
    before = {path.name: digest(path) for path in (bay1, bay2)}
    files_before = sorted(p.name for p in work.iterdir())

    # A push killed part-way: its last transaction (events) waits on a lock, then SIGKILL.
    holder = subprocess.Popen(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    holder.stdin.write("BEGIN; LOCK TABLE orbitbench.events IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
    holder.stdin.flush()
    check(holder.stdout.readline().strip() == "locked", "a session holds the events table")
    killed = subprocess.Popen([ORBITBENCH, "db", "push", str(bay1), "--to", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    local1 = sqlite_count(bay1, "SELECT count(*) FROM samples")
    deadline = time.monotonic() + 60
    on_server = 0
    while time.monotonic() < deadline:
        on_server = int(psql("SELECT count(*) FROM orbitbench.samples s JOIN orbitbench.campaigns c ON c.id = s.campaign_id "
                             "WHERE c.station = 'sim-bench'"))
        if on_server == local1:
            break
        time.sleep(0.2)
    check(on_server == local1, f"the killed push had committed its runs' samples ({on_server} of {local1})")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    holder.stdin.write("ROLLBACK;\n")
    holder.stdin.close()
    holder.wait()
    events_after_kill = int(psql("SELECT count(*) FROM orbitbench.events e JOIN orbitbench.campaigns c ON c.id = e.campaign_id "
                                 "WHERE c.station = 'sim-bench'"))
    check(events_after_kill == 0, f"the killed transaction left no events behind ({events_after_kill})")

    # Both stations at once, then again: the second push finds nothing to copy.
    both = [subprocess.Popen([ORBITBENCH, "db", "push", str(db), "--to", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for db in (bay1, bay2)]
    for push in both:
        out, err = push.communicate(timeout=120)
        check(push.returncode == 0, f"concurrent push: {out.strip()} {err.strip()}")
    again = orbitbench("db", "push", str(bay1), str(bay2), "--to", url)
    check(again.stdout.count("0 new campaign(s), 1 already there; 0 samples (0 rewritten), 0 events, 0 measurements, "
                             "0 run aggregate(s)") == 2, f"pushing again copies nothing: {again.stdout}")

    for table in ("samples", "events", "measurements", "run_bins", "run_counters", "checkpoints", "devices", "runs", "channels"):
        local = sum(sqlite_count(db, f"SELECT count(*) FROM {table}") for db in (bay1, bay2))
        server = int(psql(f"SELECT count(*) FROM orbitbench.{table}"))
        check(server == local, f"{table}: the server holds the stations' {local} rows ({server})")
    check(psql("SELECT count(*) FROM orbitbench.campaigns") == "2", "two campaigns on the server")
    check(psql("SELECT count(*) FROM pg_inherits WHERE inhparent = 'orbitbench.samples'::regclass") == "2",
          "one samples partition per campaign")

    # The same figures as the station files merged with `db merge`.
    orbitbench("db", "merge", str(work / "lab.db"), str(bay1), str(bay2))
    for campaign in ("sim-bench/quick-leo-550", "bay-2/quick-leo-550"):
        for args in (["degradation", "--table", "figures"], ["degradation", "--table", "bins"], ["summary"], ["timing"],
                     ["conformance"], ["compare"]):
            on_server = orbitbench("query", "--db", url, *args, "--campaign", campaign, "--format", "csv").stdout
            merged = orbitbench("query", "--db", str(work / "lab.db"), *args, "--campaign", campaign, "--format", "csv").stdout
            same = on_server == merged if args[0] in ("degradation", "compare") else without_ids(on_server) == without_ids(merged)
            check(same and on_server.count("\n") >= 2,
                  f"{campaign} {' '.join(args)}: the server's CSV is the merged file's ({len(on_server)} bytes"
                  f"{'' if args[0] in ('degradation', 'compare') else ', ids aside'})")
    summary = orbitbench("query", "--db", url, "summary", "--campaign", "bay-2/quick-leo-550", "--format", "csv").stdout
    check(",pass," in summary and "board-03" in summary, "the summary of station 2 from the server")
    nosuch = orbitbench("query", "--db", url, "degradation", "--campaign", "nosuch", check_exit=False)
    check(nosuch.returncode == 1 and "no campaign 'nosuch'" in nosuch.stderr, f"an unknown campaign is named: {nosuch.stderr}")

    # query sql only reads.
    samples = psql("SELECT count(*) FROM orbitbench.samples")
    delete = orbitbench("query", "--db", url, "sql", "DELETE FROM samples", check_exit=False)
    check(delete.returncode == 1 and "read-only transaction" in delete.stderr, f"DELETE refused: {delete.stderr.strip()}")
    program = orbitbench("query", "--db", url, "sql", f"COPY (SELECT 1) TO PROGRAM 'touch {work}/pwned'", check_exit=False)
    check(program.returncode == 1 and not (work / "pwned").exists(), f"COPY TO PROGRAM refused: {program.stderr.strip()}")
    check(psql("SELECT count(*) FROM orbitbench.samples") == samples, "nothing was deleted")
    counted = orbitbench("query", "--db", url, "--format", "csv", "sql",
                         "SELECT station, count(*) AS n FROM sample_view GROUP BY station ORDER BY station").stdout
    check(counted == "station,n\nbay-2,{}\nsim-bench,{}\n".format(sqlite_count(bay2, "SELECT count(*) FROM samples"), local1),
          f"query sql reads the server: {counted!r}")

    # A report from the server: the merged file's, but for the line naming the source.
    orbitbench("report", "--db", url, "--campaign", "bay-2/quick-leo-550", "-o", str(work / "server.html"))
    orbitbench("report", "--db", str(work / "lab.db"), "--campaign", "bay-2/quick-leo-550", "-o", str(work / "merged.html"))
    server_html = (work / "server.html").read_text().splitlines()
    merged_html = (work / "merged.html").read_text().splitlines()
    differing = [a for a, b in zip(server_html, merged_html) if a != b]
    check(len(server_html) == len(merged_html) and len(differing) == 1 and "Made by orbitbench from" in differing[0]
          and (work / "server.html").read_text().count("<svg") >= 8,
          f"the report from the server is the merged file's ({len(differing)} lines differ)")

    # The station files were only read.
    check({path.name: digest(path) for path in (bay1, bay2)} == before, "pushing never wrote the station files")
    check(sorted(p.name for p in work.iterdir() if p.name not in ("lab.db", "server.html", "merged.html", "lab.db-wal",
                                                                  "lab.db-shm", "lab.db.log")) == files_before,
          "pushing made no files beside them")

    # Bad input: a wrong password (never printed), a server URL where a file is expected, a file
    # that is not a results database.
    host_port = "{}:{}".format(os.environ.get("PGHOST", "localhost"), os.environ["PGPORT"])
    wrong = orbitbench("db", "push", str(bay1), "--to", f"postgresql://postgres:hunter2@{host_port}/postgres", check_exit=False,
                       env_password=False)
    check(wrong.returncode == 1 and "hunter2" not in wrong.stderr + wrong.stdout and "postgres:***@" in wrong.stderr,
          f"a refused login is reported without its password: {wrong.stderr.strip()}")
    bad_every = orbitbench("run", "--db", str(work / "never.db"), "--push", url, "--push-every", "5", check_exit=False)
    check(bad_every.returncode == 2 and "--push-every '5'" in bad_every.stderr and not (work / "never.db").exists(),
          f"a --push-every without its unit is refused before anything starts: {bad_every.stderr.strip()}")
    not_url = orbitbench("db", "push", str(bay1), "--to", str(work / "lab.db"), check_exit=False)
    check(not_url.returncode == 2 and "expected a PostgreSQL URL" in not_url.stderr, f"--to a file: {not_url.stderr.strip()}")
    (work / "notes.db").write_text("not a database\n")
    foreign = orbitbench("db", "push", str(work / "notes.db"), str(bay2), "--to", url, check_exit=False)
    check(foreign.returncode == 1 and "notes.db" in foreign.stderr and "bay-2.db: 0 new campaign(s)" in foreign.stdout,
          f"a file that is not ours is named, and the other station still pushes: {foreign.stderr.strip()}")
    (work / "notes.db").unlink()

    # A resume rewrites points of its run (same key, later wall time, new value): the next pushes
    # replace the server's copy, also those it rewrites after a push, until it has gone past
    # what the server had. The station's file as it would be, made by hand in three steps:
    # killed and resumed, the replay re-recorded up to three quarters; then the rest; then done.
    import shutil
    import sqlite3
    resumed_dir = work / "resumed"
    resumed_dir.mkdir()
    resumed = resumed_dir / "bay-1.db"
    shutil.copy(bay1, resumed)

    def rewrite(db, run, t_from, t_to, wall_shift):
        return db.execute("UPDATE samples SET value = value + 1, wall_unix_s = wall_unix_s + ? "
                          "WHERE run_id = ? AND t_s >= ? AND t_s < ? AND value IS NOT NULL", (wall_shift, run, t_from, t_to)).rowcount

    def pushed_rewritten():
        out = orbitbench("db", "push", str(resumed), "--to", url).stdout
        return int(out.split(" samples (")[1].split(" rewritten")[0]), out

    with sqlite3.connect(resumed) as db:
        run, campaign, t_max, newest = db.execute(
            "SELECT r.id, r.campaign_id, (SELECT max(t_s) FROM samples s WHERE s.run_id = r.id), "
            "(SELECT max(wall_unix_s) FROM samples) FROM runs r WHERE r.kind = 'replay'").fetchone()
        db.execute("UPDATE runs SET status = 'running', ended_unix_s = NULL WHERE id = ?", (run,))
        db.execute("INSERT INTO events (campaign_id, wall_unix_s, kind, severity, message) "
                   "VALUES (?, ?, 'resume', 'info', 'resumed by hand')", (campaign, newest + 999))
        first = rewrite(db, run, t_max / 2, t_max * 0.75, 1000)
    count, out = pushed_rewritten()
    check(count == first and "1 events" in out, f"the points a resume rewrote are pushed again ({count} of {first}): {out.strip()}")
    with sqlite3.connect(resumed) as db:
        rest = rewrite(db, run, t_max * 0.75, t_max + 1, 1001)
    count, out = pushed_rewritten()
    check(count == rest, f"so are those it rewrote after that push ({count} of {rest})")
    with sqlite3.connect(resumed) as db:
        db.execute("UPDATE runs SET status = 'completed', ended_unix_s = ? WHERE id = ?", (newest + 1002, run))
        local_sum = db.execute("SELECT sum(value) FROM samples WHERE run_id = ?", (run,)).fetchone()[0]
    count, out = pushed_rewritten()
    check(count == 0, f"the run done, nothing more is rewritten ({count})")
    server_sum = float(psql("SELECT sum(s.value) FROM orbitbench.samples s JOIN orbitbench.runs r ON r.id = s.run_id "
                            "JOIN orbitbench.campaigns c ON c.id = r.campaign_id "
                            f"WHERE c.station = 'sim-bench' AND r.source_id = {run}"))
    check(abs(server_sum - local_sum) <= 1e-9 * abs(local_sum), f"the server holds the new values ({server_sum} vs {local_sum})")
    check(int(psql("SELECT count(*) FROM orbitbench.samples")) == int(samples), "rewritten, not added")
    check(psql(f"SELECT r.status || ' ' || r.rewriting FROM orbitbench.runs r JOIN orbitbench.campaigns c ON c.id = r.campaign_id "
               f"WHERE c.station = 'sim-bench' AND r.source_id = {run}") == "completed false", "the run's status followed")

    # Six stations' first pushes at once onto an empty database: one migrates, the others wait
    # for it; partitions are made one at a time; nobody fails.
    psql("CREATE DATABASE fresh")
    fresh = url.rsplit("/", 1)[0] + "/fresh"
    clones = []
    for k in range(6):
        clone = work / f"clone-{k}.db"
        shutil.copy(bay1, clone)
        with sqlite3.connect(clone) as db:
            db.execute("UPDATE campaigns SET station = ?", (f"clone-{k}",))
        clones.append(clone)
    first_pushes = [subprocess.Popen([ORBITBENCH, "db", "push", str(clone), "--to", fresh], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for clone in clones]
    outcomes = [push.communicate(timeout=120) + (push.returncode,) for push in first_pushes]
    check(all(code == 0 for _, _, code in outcomes), "six first pushes at once succeed: " +
          "; ".join(err.strip() for _, err, code in outcomes if code != 0))
    on_fresh = subprocess.run(["psql", "-XAtq", "-d", "fresh", "-c", "SELECT count(*) FROM orbitbench.samples"],
                              capture_output=True, text=True).stdout.strip()
    check(on_fresh == str(6 * local1), f"the new database holds the six stations' samples ({on_fresh} of {6 * local1})")

    if failures:
        sys.exit(f"{len(failures)} check(s) failed: " + "; ".join(failures))
    subprocess.run(["rm", "-rf", str(work)])
    print("all checks passed")


main()
