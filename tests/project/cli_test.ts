// The `polycore` command line (cli/polycore.ts), run as a user runs it, on this runtime
// (`process.execPath`, plus `run -A` on Deno): `bench` on the small selftest suite in
// `--quick --json` mode (the run file's shape, the table, the progress lines, `--backends`
// reaching the suite), a runtime that is not installed (skipped, not an error), bad command
// lines (exit 2, a message naming the flag and the value), and `report` writing a run into a
// README between its markers.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../mod.ts";
import { Progress } from "../../cli/_progress.ts";

const cli = fileURLToPath(new URL("../../cli/polycore.ts", import.meta.url));
const slow = { timeout: 120_000 };
const dir = mkdtempSync(join(tmpdir(), "polycore-cli-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with `args` on this runtime; `env` is added to this process's environment. */
function polycore(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  const command = runtime.name === "deno" ? ["run", "-A", cli, ...args] : [cli, ...args];
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env, NO_COLOR: "1" };
  delete childEnv.NODE_TEST_CONTEXT; // the CLI is a program, not a test file
  delete childEnv.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, {
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk);
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const units = new Set(["ms", "µs", "items/s", "ops/s", "req/s", "×"]);

describe("polycore bench", () => {
  it(`runs the selftest suite on ${runtime.name} and writes the run as JSON`, slow, async () => {
    const file = join(dir, "run.json");
    const args = ["bench", "--suite", "selftest", "--runtimes", runtime.name];
    const result = await polycore([...args, "--backends", "thread", "--quick", "--json", file]);
    const why = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, why);
    assert.doesNotMatch(why, /polycore-bench-progress/, "the suite's progress lines are not shown");

    const run = JSON.parse(readFileSync(file, "utf8"));
    assert.match(run.command, /bench --suite selftest --runtimes \w+ --backends thread --quick/);
    assert.ok(!Number.isNaN(Date.parse(run.date)), run.date);
    assert.equal(typeof run.durationSeconds, "number");
    assert.equal(run.quick, true);
    assert.deepEqual(run.suites, ["selftest"]);
    assert.deepEqual(run.backends, ["thread"]);
    assert.ok(Number.isInteger(run.machine.cpus) && run.machine.cpus >= 1);
    for (const key of ["cpuModel", "platform", "arch"]) {
      assert.equal(typeof run.machine[key], "string", key);
    }
    assert.ok(run.machine.memoryGiB > 0);
    assert.deepEqual(Object.keys(run.runtimes), [runtime.name]);
    assert.match(run.runtimes[runtime.name].version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(run.skipped, []);
    assert.deepEqual(run.failures, []);

    assert.ok(run.rows.length >= 4, JSON.stringify(run.rows));
    for (const row of run.rows) {
      assert.equal(row.suite, "selftest");
      assert.equal(row.runtime, runtime.name);
      assert.ok(units.has(row.unit), row.unit);
      for (const key of ["median", "min", "max"]) {
        assert.ok(Number.isFinite(row[key]) && row[key] > 0, `${row.name} ${key}: ${row[key]}`);
      }
      assert.ok(row.min <= row.median && row.median <= row.max, row.name);
      assert.ok(Number.isInteger(row.samples) && row.samples > 0, row.name);
    }
    const names = run.rows.map((r: { name: string }) => r.name);
    assert.ok(names.includes("Pool(1).apply round trip (thread)"), names.join("; "));
    assert.ok(!names.includes("Pool(1).apply round trip (process)"), "--backends thread");
    assert.ok(run.rows.some((r: { unit: string }) => r.unit === "items/s"));
    assert.ok(run.rows.some((r: { unit: string }) => r.unit === "×"));

    // The table: a column for this runtime only, a row per benchmark; then the command line.
    const header = new RegExp(`^\\| suite +\\| benchmark +\\| +${runtime.name} \\|$`, "m");
    assert.match(result.stdout, header, why);
    const tableRows = result.stdout.split("\n").filter((l) => l.startsWith("| selftest"));
    assert.equal(tableRows.length, run.rows.length, why);
    assert.match(result.stdout, /^\| selftest +\| sum of 1,000 numbers +\| +[\d.]+ µs \|$/m);
    assert.ok(result.stdout.includes(`\`${run.command}\``), why);
    // Progress on stderr (not a terminal here: plain lines).
    assert.match(result.stderr, new RegExp(`\\[1/1\\] selftest on ${runtime.name}`));
    assert.ok(!result.stderr.includes("\x1b["), "no terminal codes when stderr is a pipe");
  });

  it(
    "skips a runtime that is not installed, and fails when nothing is left to run",
    slow,
    async () => {
      const empty = join(dir, "empty-path");
      mkdirSync(empty, { recursive: true });
      const file = join(dir, "skipped.json");
      const result = await polycore(
        ["bench", "--suite", "seeds", "--runtimes", "cpython", "--quick", "--json", file],
        { PATH: empty },
      );
      assert.equal(result.code, 1, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stderr, /skipping cpython .*python3 or python not found/);
      assert.match(result.stderr, /nothing ran: none of the runtimes asked for is installed/);
      assert.match(result.stdout, /\(no rows\)/);
      const run = JSON.parse(readFileSync(file, "utf8"));
      assert.equal(run.skipped[0].runtime, "cpython");
      assert.deepEqual(run.rows, []);
    },
  );

  const bad: [string[], RegExp][] = [
    [["bench", "--runtimes", "nodejs"], /'--runtimes'.*received 'nodejs'/],
    [["bench", "--backends", "threads"], /'--backends'.*received 'threads'/],
    [["bench", "--suite", "nosuch"], /no suite 'nosuch'/],
    [["bench", "--bogus"], /'--bogus'/],
    [["bench", "--json"], /--json/],
    [["bench", "--json", join(dir, "no", "such", "folder", "x.json")], /'--json'.*received/],
    [["frobnicate"], /received 'frobnicate'/],
    [["report"], /needs one run file/],
  ];
  for (const [args, message] of bad) {
    it(`exits with 2 on \`polycore ${args.join(" ")}\``, slow, async () => {
      const result = await polycore(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Usage:/);
      assert.equal(result.stdout, "");
    });
  }
});

describe("the seeds suite", () => {
  it("names its CPython rows as bench/_seeds_names.ts names polycore's", () => {
    const python = new URL("../../bench/python/", import.meta.url);
    const js = readFileSync(new URL("../../bench/_seeds_names.ts", import.meta.url), "utf8");
    const scripts = readdirSync(python).filter((f) => f.endsWith(".py") && !f.startsWith("_"));
    assert.ok(scripts.length >= 7, scripts.join(", "));
    for (const script of scripts) {
      const source = readFileSync(new URL(script, python), "utf8");
      const names = [...source.matchAll(/^[A-Z0-9_]+ = "(.+)"$/gm)].map((m) => m[1]);
      assert.ok(names.length > 0, `${script} names no row`);
      for (const name of names) assert.ok(js.includes(`"${name}"`), `${script}: '${name}'`);
    }
  });
});

describe("the progress bar", () => {
  it("moves within a step as its suite reports rounds, on a terminal", () => {
    let screen = "";
    const tty = { isTTY: true, columns: 120, write: (text: string) => void (screen += text) };
    const progress = new Progress(2, tty);
    progress.start("pool on node");
    progress.within(0.5);
    const frame = screen.split("\r\x1b[2K").at(-1)!;
    assert.match(frame, /^\[######------------------\] 1\/2 pool on node 50% · \d+ s$/);
    progress.finish();
    assert.match(screen, /\[1\/2\] pool on node: [\d.]+ s\n$/);
  });
});

describe("polycore report", () => {
  const row = (suite: string, name: string, rt: string, median: number, unit = "ms") => ({
    suite,
    name,
    runtime: rt,
    unit,
    median,
    min: median,
    max: median,
    samples: 3,
  });
  const run = {
    command: "npm run bench -- --quick",
    date: "2026-11-22T10:00:00.000Z",
    durationSeconds: 12.5,
    quick: true,
    suites: ["selftest", "seeds"],
    backends: ["thread"],
    machine: { cpus: 2, cpuModel: "Test CPU", platform: "linux", arch: "x64", memoryGiB: 8 },
    runtimes: {
      node: { version: "24.0.0", bin: "node" },
      cpython: { version: "3.11.7", bin: "p" },
    },
    skipped: [],
    failures: [],
    rows: [
      row("seeds", "Pool(2): start", "node", 50),
      row("seeds", "Pool(2): start", "cpython", 12),
      row("selftest", "a sum", "node", 0.5, "µs"),
    ],
  };
  const template = [
    "Intro.",
    "",
    "<!-- bench:run -->",
    "",
    "### seeds",
    "",
    "<!-- bench:table seeds -->",
  ].join("\n");

  it(
    "writes the tables, the command and the machine between the README's markers",
    slow,
    async () => {
      const runFile = join(dir, "report-run.json");
      const templateFile = join(dir, "template.md");
      const readme = join(dir, "README.md");
      writeFileSync(runFile, JSON.stringify(run));
      writeFileSync(templateFile, template);
      writeFileSync(readme, "# X\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\n## After\n");
      const result = await polycore([
        "report",
        runFile,
        "--template",
        templateFile,
        "--readme",
        readme,
      ]);
      assert.equal(result.code, 0, result.stderr);
      const text = readFileSync(readme, "utf8");
      assert.ok(text.startsWith("# X\n\n<!-- bench:start -->\n\nIntro.\n"), text);
      assert.ok(text.endsWith("<!-- bench:end -->\n\n## After\n"), text);
      assert.ok(!text.includes("old"), text);
      assert.ok(
        text.includes(
          "`npm run bench -- --quick` · 2 CPUs (Test CPU), linux x64, 8 GiB; node 24.0.0, " +
            "cpython 3.11.7; 2026-11-22 · 12.5 s.",
        ),
        text,
      );
      assert.match(text, /^\| benchmark +\| +node \| cpython \|$/m);
      assert.match(text, /^\| Pool\(2\): start \| 50\.0 ms \| 12\.0 ms \|$/m);
      // A suite the template does not name is appended under its own heading.
      assert.match(text, /### selftest\n\n\| benchmark \| +node \|\n/);
    },
  );

  it(
    "draws the run as an SVG chart and a web page: a bar per runtime per benchmark",
    slow,
    async () => {
      const runFile = join(dir, "chart-run.json");
      const svgFile = join(dir, "chart.svg");
      const htmlFile = join(dir, "chart.html");
      writeFileSync(runFile, JSON.stringify(run));
      const result = await polycore(["report", runFile, "--svg", svgFile, "--html", htmlFile]);
      assert.equal(result.code, 0, result.stderr);
      const svg = readFileSync(svgFile, "utf8");
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.equal(svg.match(/<rect x="430" y="\d+" width="[\d.]+" height="14"/g)?.length, 3);
      assert.match(svg, /<title>node: 50\.0 ms<\/title>/);
      assert.match(svg, /<title>cpython: 12\.0 ms<\/title>/);
      assert.match(svg, />Pool\(2\): start \(shorter is better\)</);
      assert.ok(readFileSync(htmlFile, "utf8").includes(svg));
    },
  );

  it("refuses a README without the markers", slow, async () => {
    const runFile = join(dir, "report-run.json");
    const readme = join(dir, "NO_MARKERS.md");
    writeFileSync(runFile, JSON.stringify(run));
    writeFileSync(readme, "# nothing here\n");
    const result = await polycore(["report", runFile, "--readme", readme]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /must contain <!-- bench:start -->/);
    assert.equal(readFileSync(readme, "utf8"), "# nothing here\n");
  });
});
