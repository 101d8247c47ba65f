"""The seeds' CPU-bound workload: `Pool.map(cpu_intensive, [10**6] * 4)` on a running Pool(2),
next to the same four calls one after another in the main process; the speedup row is the
per-round ratio sequential ÷ pool (2.0 is perfect on 2 cores). Rounds alternate the two
variants. Seed 001 uses Pool(4); this machine has 2 cores, so Pool(2).
"""

import time
from multiprocessing import Pool

from _common import emit, parse_args, row, statistics

SEQUENTIAL = "sequential: cpu_intensive(10**6) × 4, main process"
PARALLEL = "Pool(2).map(cpu_intensive, [10**6] * 4)"
SPEEDUP = "speedup: sequential ÷ Pool(2).map"
NUMBERS = [10**6] * 4


def cpu_intensive(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t0) * 1000, result


def main():
    args = parse_args(__doc__)
    rounds = 3 if args.quick else 7
    expected = [cpu_intensive(n) for n in NUMBERS]
    sequential, parallel = [], []
    with Pool(2) as pool:
        pool.map(cpu_intensive, NUMBERS)  # warmup
        for i in range(rounds):
            variants = [("s", lambda: [cpu_intensive(n) for n in NUMBERS]),
                        ("p", lambda: pool.map(cpu_intensive, NUMBERS))]
            for kind, fn in variants if i % 2 == 0 else reversed(variants):
                ms, result = timed(fn)
                assert result == expected
                (sequential if kind == "s" else parallel).append(ms)
    ratios = [s / p for s, p in zip(sequential, parallel)]
    emit(args, [
        row(SEQUENTIAL, "ms", sequential),
        row(PARALLEL, "ms", parallel),
        row(SPEEDUP, "×", ratios),
    ])
    assert statistics.median(ratios) > 0


if __name__ == "__main__":
    main()
