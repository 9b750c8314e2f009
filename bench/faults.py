# ruff: noqa: S603, S607 (a benchmark: it runs pg_ctlcluster and wrk with arguments of its own)
"""Database faults under load: what readers get while PostgreSQL restarts, and while it hangs.

Run by hand from the project folder as a user who may run pg_ctlcluster and signal the server (root); it needs
wrk. It restarts and stops the PostgreSQL cluster it is given, so every client of that cluster sees the fault:
give it a cluster of its own (docs/benchmarks.md, "Faults"):

    pg_createcluster 15 sscard_serve -p 5439 --start -- --auth=trust   # once
    .venv/bin/python -u bench/faults.py --cluster 15/sscard_serve

It serves the checkout as bench/http.py does (gunicorn, 2 workers, DEBUG off, CONN_MAX_AGE=600) on a database
sscard_serve_faults of that cluster (recreated; --answers source texts), puts an answer page under wrk load
(--connections) while a probe records every response of its own, and then, in turn:

1. restarts the cluster (`pg_ctlcluster --skip-systemctl-redirect VERSION NAME restart`);
2. stops the server (`kill -STOP` of the postmaster and its processes) for --stop-seconds, then continues it.

For each it prints wrk's responses by status, the probe's responses second by second, the longest response,
and the seconds from the fault to recovery (the first success after the last failure), and from the database's
return to recovery.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: its http.py would hide the standard library's http

import http.client  # noqa: E402

from bench.production import Site, fetch, log  # noqa: E402

STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d: %d\\n", status, count)) end
  local e = summary.errors
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\\n",
    e.connect, e.read, e.write, e.timeout))
end
"""


def cluster(spec):
    """(version, name, port, data directory) of a cluster given as VERSION/NAME."""
    version, name = spec.split("/")
    for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout.splitlines():
        fields = line.split()
        if fields[:2] == [version, name]:
            return version, name, int(fields[2]), Path(fields[5])
    raise SystemExit(f"No PostgreSQL cluster {spec} (pg_lsclusters)")


class Probe:
    """Threads asking for one page again and again, recording (start, end, status or error) of each."""

    def __init__(self, port, path, threads=2):
        self.port, self.path, self.records = port, path, []
        self.running = True
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def run(self):
        while self.running:
            start = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
                outcome = response.status
                connection.close()
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
            self.records.append((start, time.monotonic(), outcome))
            time.sleep(0.05)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=70)


def postgres_processes(data_directory):
    """The postmaster's pid (postmaster.pid) and its children's."""
    postmaster = int((data_directory / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True).stdout
    return postmaster, [int(pid) for pid in children.split()]


def restart(version, name, data_directory, seconds):
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True)


def hang(version, name, data_directory, seconds):
    postmaster, children = postgres_processes(data_directory)
    for pid in [postmaster, *children]:
        os.kill(pid, signal.SIGSTOP)
    time.sleep(seconds)
    for pid in [*children, postmaster]:
        os.kill(pid, signal.SIGCONT)


def run_fault(title, fault, args, site, path, spec):
    version, name, _, data_directory = spec
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(STATUS_SCRIPT)
    duration = args.before + args.after + (args.stop_seconds if fault is hang else 5)
    load = subprocess.Popen(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{duration}s", "--timeout", "60s", "-s", script.name]
        + [site.url + path],
        stdout=subprocess.PIPE,
        text=True,
    )
    with Probe(site.port, path) as probe:
        start = time.monotonic()
        time.sleep(args.before)
        fault_start = time.monotonic()
        fault(version, name, data_directory, args.stop_seconds)
        back = time.monotonic()
        output, _ = load.communicate()
    os.unlink(script.name)

    print(f"\n### {title}\n")
    print(f"wrk -t2 -c{args.connections} -d{duration}s on {path}")
    print(f"the fault from +{fault_start - start:.1f} s to +{back - start:.1f} s (the command returned)\n")
    print("wrk, responses by status:")
    print("".join(f"    {line}\n" for line in output.splitlines() if line.startswith(("status", "socket", "  "))))
    records = sorted(probe.records)
    print("probe (2 clients, one request at a time), by second of the start of each request:")
    by_second = {}
    for begun, _, outcome in records:
        by_second.setdefault(int(begun - start), Counter())[outcome] += 1
    for second, counts in sorted(by_second.items()):
        shown = ", ".join(f"{outcome}: {count}" for outcome, count in sorted(counts.items(), key=str))
        print(f"    +{second:>2} s  {shown}")
    totals = Counter(outcome for _, _, outcome in records)
    print("probe totals: " + ", ".join(f"{outcome}: {count}" for outcome, count in sorted(totals.items(), key=str)))
    slowest = max(records, key=lambda record: record[1] - record[0])
    print(f"longest response: {slowest[1] - slowest[0]:.1f} s ({slowest[2]}, begun at +{slowest[0] - start:.1f} s)")
    failures = [record for record in records if record[2] != 200]
    if failures:
        first, last = min(r[0] for r in failures), max(r[1] for r in failures)
        print(f"failed responses: {len(failures)}, from +{first - start:.1f} s to +{last - start:.1f} s")
    # Recovery: the end of the longest stretch after the fault began in which no request succeeded.
    successes = [fault_start] + sorted(end for _, end, outcome in records if outcome == 200 and end > fault_start)
    gap_start, gap_end = max(zip(successes, successes[1:], strict=False), key=lambda pair: pair[1] - pair[0])
    print(
        f"longest stretch without a success: {gap_end - gap_start:.1f} s (+{gap_start - start:.1f} s to "
        f"+{gap_end - start:.1f} s); recovered {gap_end - fault_start:.1f} s after the fault began, "
        f"{gap_end - back:+.1f} s from the database's return"
    )
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cluster", default="15/main", help="the PostgreSQL cluster, VERSION/NAME (pg_lsclusters)")
    parser.add_argument("--project", default=str(ROOT), help="the checkout to serve (default: this one)")
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--connections", type=int, default=8, help="wrk -c")
    parser.add_argument("--stop-seconds", type=float, default=10)
    parser.add_argument("--before", type=float, default=4, help="seconds of load before the fault")
    parser.add_argument("--after", type=float, default=20, help="seconds of load after it")
    parser.add_argument("--port", type=int, default=8095)
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="ask for the answer page with a query parameter the page cache does not know: built every time",
    )
    args = parser.parse_args()

    spec = cluster(args.cluster)
    url = f"postgres://postgres@127.0.0.1:{spec[2]}/sscard_serve_faults"
    site = Site(args.project, postgres=True, answers=args.answers, port=args.port, database_url=url)
    try:
        site.prepare()
        site.start()
        _, _, home = fetch(f"{site.url}/en/")
        path = next(
            part.split('"')[0]
            for part in home.split('href="')[1:]
            if part.startswith(("/en/questions/", "/zh-hans/questions/"))
        )
        if args.uncached:
            path += "?uncached=1"
        for _ in range(20):
            fetch(site.url + path)
        print(f"## Faults: PostgreSQL {args.cluster} under load, {site.project}\n")
        print("gunicorn, 2 sync workers, DEBUG off, CONN_MAX_AGE=600; the page: an answer page")
        run_fault("PostgreSQL restarted", restart, args, site, path, spec)
        run_fault(f"PostgreSQL stopped (kill -STOP) for {args.stop_seconds:.0f} s", hang, args, site, path, spec)
    finally:
        site.cleanup()
        log("stopped")


if __name__ == "__main__":
    main()
