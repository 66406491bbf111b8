#!/usr/bin/env python3
# Samples, every INTERVAL seconds until STOP-FILE exists, each process listed in PROCS-DIR (one file
# per process, named after it, holding "pid http-port"; port 0 for none): its resident memory
# (VmRSS) and, from its /metrics, the consumer lag it reports (sum of tally_consumer_lag) and the
# records it has read (tally_records_in_total). Appends CSV rows to OUT:
#   seconds,process,pid,rss_mb,lag,records_in
# With SUBMIT-LOG (`tally submit`'s progress on standard error) and WATCH-LOG (`tally watch`'s
# output), also a row for process "end-to-end": lag = messages acknowledged by the broker minus
# messages the published tallies have received, records_in = received. (Tansu's high watermarks
# are not exact, so the workers' own lag gauges are approximate on it; this one is not.)
# Seconds count from $RELIABILITY_T0 (epoch seconds, the soak's own clock) when set, else from now.
# Usage: sampler.py PROCS-DIR OUT.csv STOP-FILE [INTERVAL [SUBMIT-LOG WATCH-LOG]]
import os, re, sys, time, urllib.request

procs, out, stop = sys.argv[1:4]
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
submit_log, watch_log = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 6 else (None, None)

def last_match(path, pattern):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 65536))
            found = re.findall(pattern, f.read().decode("utf-8", "replace"))
    except OSError:
        return None
    return int(found[-1]) if found else None
start = float(os.environ.get("RELIABILITY_T0") or time.time())

def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None

def metrics(port):
    lag = records = None
    if port == 0:
        return lag, records
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1.5) as r:
            text = r.read().decode("utf-8", "replace")
    except Exception:
        return lag, records
    for line in text.splitlines():
        if line.startswith("tally_consumer_lag"):
            lag = (lag or 0) + float(line.rsplit(" ", 1)[1])
        elif line.startswith("tally_records_in_total"):
            records = (records or 0) + float(line.rsplit(" ", 1)[1])
    return lag, records

with open(out, "a", buffering=1) as f:
    if f.tell() == 0:
        f.write("seconds,process,pid,rss_mb,lag,records_in\n")
    while not os.path.exists(stop):
        now = time.time() - start
        for name in sorted(os.listdir(procs)):
            try:
                pid, port = (int(x) for x in open(os.path.join(procs, name)).read().split())
            except (OSError, ValueError):
                continue
            rss = rss_mb(pid)
            if rss is None:
                continue
            lag, records = metrics(port)
            f.write(f"{now:.1f},{name},{pid},{rss:.1f},{'' if lag is None else int(lag)},{'' if records is None else int(records)}\n")
        if submit_log:
            acknowledged = last_match(submit_log, r"(\d+)/\d+ acknowledged") or last_match(submit_log, r"(\d+) records acknowledged") or 0
            received = last_match(watch_log, r"FieldTally watch: (\d+) messages received") or 0
            f.write(f"{now:.1f},end-to-end,0,,{max(0, acknowledged - received)},{received}\n")
        time.sleep(max(0.1, interval - (time.time() - start - now)))
