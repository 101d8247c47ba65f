"""Shared helpers of the CPython `multiprocessing` benchmarks in bench/python/.

Each script measures one of the seeds' workloads with CPython's `multiprocessing` and reports
rows shaped like the TypeScript harness's (bench/_harness.ts): `suite, name, runtime, unit,
median, min, max, samples`, with `runtime: "cpython"`. The rows are named like the rows of
bench/seeds_bench.ts, the same workloads on polycore, so `polycore bench` puts CPython in its
own column next to node, deno and bun.

Flags (as the harness's): `--quick` (fewer samples), `--json FILE` (write `{machine, rows}`),
`--backends LIST` (accepted and ignored: CPython's multiprocessing always uses processes).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys

SUITE = "seeds"


def parse_args(description):
    """The flags every script takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--json", metavar="FILE", help="write {machine, rows} to FILE")
    parser.add_argument(
        "--backends",
        default="thread,process",
        help="accepted for polycore bench; CPython's multiprocessing always uses processes",
    )
    return parser.parse_args()


def row(name, unit, values):
    """A row from per-sample values: their median, min and max."""
    return {
        "suite": SUITE,
        "name": name,
        "runtime": "cpython",
        "unit": unit,
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "samples": len(values),
    }


def rate_row(name, unit, operations, seconds):
    """A throughput row (`unit` such as "items/s") from per-sample durations in seconds."""
    return row(name, unit, [operations / s for s in seconds])


def percentile(values, q):
    """The `q` quantile (0…1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _format(value):
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def emit(args, rows):
    """Prints the rows as a markdown table and writes `--json`."""
    machine = {
        "cpus": os.cpu_count(),
        "cpuModel": _cpu_model(),
        "platform": sys.platform,
        "arch": platform.machine(),
        "runtime": "cpython",
        "runtimeVersion": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }
    print(f"\n{SUITE} on cpython {machine['runtimeVersion']}\n")
    print("| benchmark | median | min | max | samples |\n|---|---:|---:|---:|---:|")
    for r in rows:
        unit = r["unit"] if r["unit"] == "×" else " " + r["unit"]
        print(
            f"| {r['name']} | {_format(r['median'])}{unit} | {_format(r['min'])}{unit} | "
            f"{_format(r['max'])}{unit} | {r['samples']} |"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"machine": machine, "rows": rows}, f, indent=2, ensure_ascii=False)
