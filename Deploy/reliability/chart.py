#!/usr/bin/env python3
# Draws the soak's lag and memory over time as one SVG (standard library only).
#   chart.py SAMPLES.csv EVENTS.csv OUT.svg
# SAMPLES.csv: seconds,process,pid,rss_mb,lag,records_in (sampler.py); EVENTS.csv: seconds,event,target
# (kill, start, stop, pause, resume). Top panel: consumer lag per worker stage (the instances of a
# stage added up, as their tally_consumer_lag gauges report it) and the end-to-end backlog
# (acknowledged by the broker, not yet in the published tallies); bottom panel: resident memory per process. Kills are red ticks, the broker's
# pause a grey band, scaling (start/stop of a second instance) blue dashes.
import collections, csv, html, sys

samples_file, events_file, out = sys.argv[1:4]
rows = list(csv.DictReader(open(samples_file)))
events = list(csv.DictReader(open(events_file))) if events_file else []
if not rows:
    sys.exit("chart.py: no samples")

def stage(process):
    return process.rsplit("-", 1)[0] if process[-1].isdigit() else process

lag = collections.defaultdict(lambda: collections.defaultdict(float))  # stage -> t -> lag
rss = collections.defaultdict(dict)  # process -> t -> MB
for r in rows:
    t = float(r["seconds"])
    if r["rss_mb"] != "":
        rss[r["process"]][t] = float(r["rss_mb"])
    if r["lag"] != "":
        lag[stage(r["process"])][round(t)] += float(r["lag"])

t_min = min(float(r["seconds"]) for r in rows)
t_max = max(float(r["seconds"]) for r in rows)
t_max = t_max if t_max > t_min else t_min + 1.0
events = [e for e in events if t_min <= float(e["seconds"]) <= t_max]
W, H, L, R, T, PANEL, GAP = 900, 580, 70, 150, 30, 220, 60
colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

def nice(v):
    for step in [1, 2, 5]:
        for exp in range(0, 10):
            if step * 10**exp * 5 >= v:
                return step * 10**exp
    return v

svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<rect width="{W}" height="{H}" fill="white"/>']

def panel(top, title, series, unit):
    v_max = max([v for s in series.values() for v in s.values()] + [1.0])
    step = nice(v_max)
    v_top = step * (int(v_max / step) + 1)
    x = lambda t: L + (W - L - R) * (t - t_min) / (t_max - t_min)
    y = lambda v: top + PANEL - PANEL * v / v_top
    svg.append(f'<text x="{L}" y="{top - 8}" font-size="13" font-weight="bold">{html.escape(title)}</text>')
    for e in events:
        t = float(e["seconds"])
        if e["event"] == "kill":
            svg.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" y2="{top + PANEL}" stroke="#d62728" stroke-opacity="0.35"/>')
        elif e["event"] in ("start", "stop") and e["target"].endswith("-2"):
            svg.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" y2="{top + PANEL}" stroke="#1f77b4" stroke-dasharray="4 3"/>')
    pauses = [float(e["seconds"]) for e in events if e["event"] == "pause"]
    resumes = [float(e["seconds"]) for e in events if e["event"] == "resume"]
    for a, b in zip(pauses, resumes):
        svg.append(f'<rect x="{x(a):.1f}" y="{top}" width="{max(1.0, x(b) - x(a)):.1f}" height="{PANEL}" fill="#999" fill-opacity="0.25"/>')
    for i in range(0, int(v_top / step) + 1):
        v = i * step
        svg.append(f'<line x1="{L}" x2="{W - R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{L - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
    svg.append(f'<text x="14" y="{top + PANEL / 2}" transform="rotate(-90 14 {top + PANEL / 2})" text-anchor="middle">{unit}</text>')
    for n, (name, points) in enumerate(sorted(series.items())):
        color = colors[n % len(colors)]
        ts = sorted(points)
        # A gap of more than 10 s (the process was down) breaks the line.
        path, last = [], None
        for t in ts:
            cmd = "M" if last is None or t - last > 10 else "L"
            path.append(f"{cmd}{x(t):.1f},{y(points[t]):.1f}")
            last = t
        svg.append(f'<path d="{" ".join(path)}" fill="none" stroke="{color}" stroke-width="1.4"/>')
        svg.append(f'<line x1="{W - R + 10}" x2="{W - R + 28}" y1="{top + 12 + 15 * n}" y2="{top + 12 + 15 * n}" stroke="{color}" stroke-width="2"/>')
        svg.append(f'<text x="{W - R + 32}" y="{top + 16 + 15 * n}">{html.escape(name)}</text>')
    svg.append(f'<rect x="{L}" y="{top}" width="{W - L - R}" height="{PANEL}" fill="none" stroke="#333"/>')
    for i in range(0, 6):
        t = t_min + (t_max - t_min) * i / 5
        svg.append(f'<text x="{x(t):.1f}" y="{top + PANEL + 14}" text-anchor="middle">{t:.0f} s</text>')

panel(T + 10, "Lag: end-to-end backlog and each stage's consumer lag (records)", {k: dict(v) for k, v in lag.items()}, "records")
panel(T + 10 + PANEL + GAP, "Resident memory per process", rss, "MB")
svg.append(f'<text x="{L}" y="{H - 8}" fill="#555">red: SIGKILL · grey band: broker paused (SIGSTOP) · blue dashes: a second instance started or stopped</text>')
svg.append("</svg>")
open(out, "w").write("\n".join(svg) + "\n")
