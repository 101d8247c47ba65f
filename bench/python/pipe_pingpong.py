"""Pipe ping-pong: the main process sends a number over `Pipe()` and receives it back from a
child process that echoes it; every round trip is timed; the rows are the p50 and p99 in µs over
all of them (the min and max columns are the per-batch extremes of that percentile).
"""

import time
from multiprocessing import Pipe, Process

from _common import emit, parse_args, percentile, row

P50 = "Pipe ping-pong main ↔ worker: p50 round trip"
P99 = "Pipe ping-pong main ↔ worker: p99 round trip"
BATCH = 500


def echo(conn):
    while True:
        n = conn.recv()
        conn.send(n)
        if n < 0:
            return


def batch(conn):
    times = []
    for i in range(BATCH):
        t0 = time.perf_counter()
        conn.send(i)
        assert conn.recv() == i
        times.append((time.perf_counter() - t0) * 1e6)
    return times


def main():
    args = parse_args(__doc__)
    here, there = Pipe()
    child = Process(target=echo, args=(there,))
    child.start()
    try:
        batch(here)  # warmup
        batches = [batch(here) for _ in range(4 if args.quick else 10)]
    finally:
        here.send(-1)
        here.recv()
        child.join()
    every = [t for b in batches for t in b]
    rows = []
    for name, q in ((P50, 0.5), (P99, 0.99)):
        per_batch = [percentile(b, q) for b in batches]
        rows.append({**row(name, "µs", per_batch), "median": percentile(every, q),
                     "samples": len(every)})
    emit(args, rows)


if __name__ == "__main__":
    main()
