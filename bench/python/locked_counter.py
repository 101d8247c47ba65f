"""Locked counter: 4 long-lived processes, each `with v.get_lock(): v.value += 1` 10**5 times per
round (ops/s = 4·10**5 ÷ the round's time). The processes meet the main process at a Barrier
before and after each round, so a round times the increments, not the processes' start.
"""

import time
from multiprocessing import Barrier, Event, Process, Value

from _common import emit, parse_args, rate_row

NAME = "locked counter: 4 workers × 10⁵ `with get_lock(): value += 1`"
WORKERS = 4
INCREMENTS = 10**5


def contend(start, done, stop, counter, n):
    while True:
        start.wait()
        if stop.is_set():
            return
        for _ in range(n):
            with counter.get_lock():
                counter.value += 1
        done.wait()


def main():
    args = parse_args(__doc__)
    start, done, stop = Barrier(WORKERS + 1), Barrier(WORKERS + 1), Event()
    counter = Value("i", 0)
    workers = [
        Process(target=contend, args=(start, done, stop, counter, INCREMENTS))
        for _ in range(WORKERS)
    ]
    for p in workers:
        p.start()
    seconds = []
    try:
        for i in range(1 + (3 if args.quick else 5)):  # the first round is the warmup
            before = counter.value
            t0 = time.perf_counter()
            start.wait()
            done.wait()
            elapsed = time.perf_counter() - t0
            assert counter.value - before == WORKERS * INCREMENTS
            if i > 0:
                seconds.append(elapsed)
    finally:
        stop.set()
        start.wait()
        for p in workers:
            p.join()
    emit(args, [rate_row(NAME, "ops/s", WORKERS * INCREMENTS, seconds)])


if __name__ == "__main__":
    main()
