"""Queue throughput: one producer process puts 10**5 small ints on a `multiprocessing.Queue`,
one consumer process gets them and checks their sum; items/s. Both are long-lived and meet the
main process at a Barrier before and after each round.
"""

import time
from multiprocessing import Barrier, Event, Process, Queue

from _common import emit, parse_args, rate_row

NAME = "Queue: 1 producer → 1 consumer, 10⁵ small ints"
ITEMS = 10**5


def side(role, q, start, done, stop, n):
    while True:
        start.wait()
        if stop.is_set():
            return
        if role == "producer":
            for i in range(n):
                q.put(i)
        else:
            total = 0
            for _ in range(n):
                total += q.get()
            assert total == n * (n - 1) // 2, total
        done.wait()


def main():
    args = parse_args(__doc__)
    q = Queue()
    start, done, stop = Barrier(3), Barrier(3), Event()
    workers = [
        Process(target=side, args=(role, q, start, done, stop, ITEMS))
        for role in ("producer", "consumer")
    ]
    for p in workers:
        p.start()
    seconds = []
    try:
        for i in range(1 + (3 if args.quick else 5)):  # the first round is the warmup
            t0 = time.perf_counter()
            start.wait()
            done.wait()
            if i > 0:
                seconds.append(time.perf_counter() - t0)
    finally:
        stop.set()
        start.wait()
        for p in workers:
            p.join()
    emit(args, [rate_row(NAME, "items/s", ITEMS, seconds)])


if __name__ == "__main__":
    main()
