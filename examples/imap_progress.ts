// Custom Process Pool with Progress Tracking — imap() yields each result as soon as it (and
// those before it) are done, so the main program can show progress while the pool works.
//
// Python original (seed 004 "Custom Process Pool with Progress Tracking"):
//
//   from multiprocessing import Pool
//   import time
//   from tqdm import tqdm
//
//   def trackable_worker(args):
//       item, delay = args
//       time.sleep(delay)                   # Simulate processing delay
//       return f"Processed {item}"
//
//   def parallel_with_progress(items, num_workers=4):
//       work_items = [(item, 0.1) for item in items]
//       with Pool(processes=num_workers) as pool:
//           results = []                    # Use imap for lazy evaluation and progress tracking
//           with tqdm(total=len(work_items), desc="Processing") as pbar:
//               for result in pool.imap(trackable_worker, work_items):
//                   results.append(result)
//                   pbar.update(1)
//       return results
//
// Run it: `node examples/imap_progress.ts`, `deno run -A examples/imap_progress.ts` or
// `bun examples/imap_progress.ts`.
//
// Instead of tqdm, a progress line is printed each time the completed share reaches a new
// percent. imap() pulls its input lazily and keeps only a bounded number of chunks in flight,
// so the same loop works over a generator of millions of items; `break` stops it early.
// The delay is 20 ms instead of 0.1 s, to keep the example quick.
import { Pool } from "../mod.ts";

type WorkItem = [item: number, delayMs: number];

/** Worker function that can be tracked: sleeps `delayMs`, then reports the item. */
async function trackableWorker([item, delayMs]: WorkItem): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, delayMs)); // Simulate processing delay
  return `Processed ${item}`;
}

/** A text progress bar: `Processing: [#####-----]  50% (25/50)`. */
function bar(done: number, total: number, width = 30): string {
  const filled = Math.round((done / total) * width);
  const percent = Math.floor((done / total) * 100);
  return `Processing: [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${
    String(percent).padStart(3)
  }% (${done}/${total})`;
}

async function parallelWithProgress(items: number[], numWorkers = 4): Promise<string[]> {
  const workItems: WorkItem[] = items.map((item) => [item, 20]);
  await using pool = new Pool({ processes: numWorkers });
  const results: string[] = [];
  let shownPercent = -1;
  // chunksize 1: every item reports on its own (the default sizes chunks for throughput).
  for await (const result of pool.imap(trackableWorker, workItems, { chunksize: 1 })) {
    results.push(result);
    const percent = Math.floor((results.length / workItems.length) * 100);
    if (percent > shownPercent) {
      shownPercent = percent;
      console.log(bar(results.length, workItems.length));
    }
  }
  return results;
}

const items = Array.from({ length: 50 }, (_, i) => i);
const started = performance.now();
const results = await parallelWithProgress(items);
const ms = performance.now() - started;
console.log(
  `Done: ${results.length} results in ${(ms / 1000).toFixed(2)}s, in order: ${
    results.every((r, i) => r === `Processed ${i}`)
  }`,
);
console.log(`First: ${results[0]}, last: ${results[results.length - 1]}`);
