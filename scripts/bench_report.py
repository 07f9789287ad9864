#!/usr/bin/env python3
"""Turns the hyperfine exports of scripts/bench_peers.sh into the results section of
BENCHMARKS.md (between the `results:start` and `results:end` markers) and an SVG bar
chart of files per second per tool. Standard library only.

usage: bench_report.py RESULTS_DIR BENCHMARKS_MD CHART_SVG MACHINE LOAD VERSIONS
"""

import json
import math
import re
import sys
from pathlib import Path

SCENARIOS = [
    ("one-dockerfile", "One Dockerfile (pre-commit case)"),
    ("df1k", "1,000 Dockerfiles"),
    ("dfk8s", "1,000 Dockerfiles + 1,000 manifests"),
    ("mixed1k", "Scaling: ~1,000 mixed files"),
    ("mixed10k", "Scaling: ~10,000 mixed files"),
    ("mixed100k", "Scaling: ~100,000 mixed files"),
]
TOOLS = ["deploylint", "deploylint-concise", "hadolint", "dockerfile-roast", "trivy", "checkov"]
COLORS = {
    "deploylint": "#2b7a4b",
    "deploylint-concise": "#5fae7f",
    "hadolint": "#4b6cb7",
    "dockerfile-roast": "#b7794b",
    "trivy": "#8a4bb7",
    "checkov": "#b74b5c",
}
START = "<!-- results:start (written by scripts/bench_peers.sh) -->"
END = "<!-- results:end -->"


def load(results):
    data = {}
    for path in sorted(results.glob("*.json")):
        scenario, tool = path.stem.split("--")
        run = json.loads(path.read_text())["results"][0]
        files = int((results / f"{scenario}--{tool}.files").read_text().strip())
        data.setdefault(scenario, {})[tool] = {
            "mean": run["mean"],
            "stddev": run.get("stddev") or 0.0,
            "min": run["min"],
            "max": run["max"],
            "runs": len(run["times"]),
            "files": files,
        }
    return data


def fmt_time(seconds):
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def table(data):
    lines = []
    for scenario, title in SCENARIOS:
        tools = data.get(scenario)
        if not tools:
            continue
        ours = tools.get("deploylint")
        lines.append(f"### {title}\n")
        lines.append("| tool | files | wall time (mean ± σ, runs) | files/s | deploylint is |")
        lines.append("|---|---:|---:|---:|---:|")
        for tool in TOOLS:
            run = tools.get(tool)
            if not run:
                continue
            ratio = "—" if tool.startswith("deploylint") or not ours else f"{run['mean'] / ours['mean']:.0f}x faster"
            if run["runs"] > 1:
                wall = f"{fmt_time(run['mean'])} ± {fmt_time(run['stddev'])} ({run['runs']} runs)"
            else:
                wall = f"{fmt_time(run['mean'])} (1 run)"
            rate = run["files"] / run["mean"]
            rate = f"{rate:,.0f}" if rate >= 10 else f"{rate:.2f}"
            lines.append(f"| {tool} | {run['files']:,} | {wall} | {rate} | {ratio} |")
        lines.append("")
    return "\n".join(lines)


def rss(results):
    path = results / "mixed10k.rss"
    if not path.exists():
        return None
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", path.read_text())
    return int(match.group(1)) / 1024 if match else None


def chart(data, out):
    rows = []
    for scenario, title in SCENARIOS[:3]:
        for tool in TOOLS:
            run = data.get(scenario, {}).get(tool)
            if run:
                rows.append((title, tool, run["files"] / run["mean"]))
    if not rows:
        return
    top = max(r[2] for r in rows)
    decades = max(1, math.ceil(math.log10(top)) + 1)
    left, bar_w, bar_h, gap = 250, 520, 18, 4
    height = 40 + sum(bar_h + gap for _ in rows) + 24 * len(SCENARIOS[:3]) + 30
    x = lambda value: left + bar_w * (math.log10(max(value, 0.1)) + 1) / decades
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + bar_w + 120}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="10" y="20" font-size="14" font-weight="bold">Files linted per second '
        f"(log scale; higher is better)</text>",
    ]
    for decade in range(decades + 1):
        value = 10 ** (decade - 1)
        gx = left + bar_w * decade / decades
        svg.append(f'<line x1="{gx:.1f}" y1="30" x2="{gx:.1f}" y2="{height - 20}" stroke="#ddd"/>')
        svg.append(f'<text x="{gx:.1f}" y="{height - 6}" text-anchor="middle" fill="#666">{value:g}</text>')
    y = 40
    current = None
    for title, tool, value in rows:
        if title != current:
            current = title
            y += 6
            svg.append(f'<text x="10" y="{y + 10}" font-weight="bold">{title}</text>')
            y += 18
        width = max(1.0, x(value) - left)
        svg.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{tool}</text>')
        svg.append(
            f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{COLORS[tool]}"/>'
        )
        label = f"{value:,.0f}" if value >= 10 else f"{value:.2f}"
        svg.append(f'<text x="{left + width + 6:.1f}" y="{y + 13}">{label}</text>')
        y += bar_h + gap
    svg.append("</svg>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(svg) + "\n")


def main():
    results, md, svg, machine, load_avg, versions = sys.argv[1:7]
    results, md, svg = Path(results), Path(md), Path(svg)
    data = load(results)
    peak = rss(results)
    chart(data, svg)
    ours = {s: t["deploylint"]["mean"] for s, t in data.items() if "deploylint" in t}
    summary = []
    for scenario, tools in data.items():
        for tool, run in tools.items():
            if not tool.startswith("deploylint") and scenario in ours:
                summary.append(f"{scenario}: {run['mean'] / ours[scenario]:.0f}x {tool}")
    section = [
        START,
        "",
        f"Machine: {machine}. Load average when the run started: {load_avg} "
        "(other jobs shared the machine: absolute times are noisy, ratios from one run are the measure).",
        "",
        f"Versions: {versions}.",
        "",
        "![files per second per tool](benchmarks/files-per-second.svg)",
        "",
        table(data),
    ]
    if peak is not None:
        section.append(f"Peak RSS on ~10,000 mixed files: **{peak:.0f} MiB** (`/usr/bin/time -v`).\n")
    section.append(END)
    text = md.read_text() if md.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _, after = rest.split(END, 1)
        text = before + "\n".join(section) + after
    else:
        text += "\n" + "\n".join(section) + "\n"
    md.write_text(text)
    print("\n".join(summary))


if __name__ == "__main__":
    main()
