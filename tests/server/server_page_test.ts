// The playground page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against a real server on 127.0.0.1:0 in this runtime: the form is there without the page's
// script and the installed runtimes are checked; a comparison runs and shows the chart (with its
// legend), the table (with start-up times), CSV and JSON exports and a permalink; the permalink
// and the history (localStorage) reopen a run; a running comparison cancels; the page fits 420 px;
// the API docs open — with no request leaving the machine and no script error. Screenshots go to
// test-artifacts/ (gitignored). Skipped, with a notice, where Chromium is not installed
// (`apt-get install -y chromium`; .ci/run installs it).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtime } from "../../mod.ts";
import { createApp, type PlaygroundApp, serve, type Server } from "../../server/mod.ts";

const chromiumPath = "/usr/bin/chromium";
const artifacts = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const slow = { timeout: 180_000 };

describe("the playground page in Chromium", () => {
  if (!existsSync(chromiumPath)) {
    it.skip(
      `SKIPPED: Chromium is not installed at ${chromiumPath} (apt-get install -y chromium)`,
      () => {},
    );
    return;
  }

  let app: PlaygroundApp;
  let server: Server;
  let profile: string;
  // deno-lint-ignore no-explicit-any
  let browser: any;

  before(async () => {
    app = createApp();
    server = await serve(app, { port: 0, hostname: "127.0.0.1" });
    profile = mkdtempSync(join(tmpdir(), "polycore-chromium-"));
    const { chromium } = await import("playwright-core");
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await app?.shutdown();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** A page that records requests leaving the server, failed responses and script errors. */
  async function open(path: string) {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("request", (request: { url(): string }) => {
      const url = request.url();
      if (!url.startsWith(server.url) && !/^(data|blob):/.test(url)) {
        problems.push(`external request ${url}`);
      }
    });
    page.on("pageerror", (error: Error) => problems.push(`page error ${error.message}`));
    page.on("console", (message: { type(): string; text(): string }) => {
      if (message.type() === "error") problems.push(`console error ${message.text()}`);
    });
    await page.goto(`${server.url}${path}`);
    return { page, problems };
  }

  /** The runtimes `GET /api/runtime` says are installed. */
  async function installed(): Promise<string[]> {
    const info = await (await app.request("/api/runtime")).json();
    return info.runtimes.filter((r: { available: boolean }) => r.available)
      .map((r: { name: string }) => r.name);
  }

  /** The values of the checked checkboxes named `name`. */
  // deno-lint-ignore no-explicit-any
  function checkedValues(page: any, name: string): Promise<string[]> {
    return page.$$eval(
      `input[name=${name}]:checked`,
      (inputs: HTMLInputElement[]) => inputs.map((input) => input.value),
    );
  }

  /** The rows of the results table, as cell texts. */
  // deno-lint-ignore no-explicit-any
  function tableRows(page: any): Promise<string[][]> {
    return page.$$eval(
      "#table tbody tr",
      (trs: Element[]) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? "")),
    );
  }

  /** A small comparison on this runtime: sequential and threads ×1, ×2, two repeats. */
  const small = "workload=mandelbrot&p.width=240&p.height=160&p.maxIterations=300&mode=thread" +
    `&workers=1&workers=2&runtime=${runtime.name}&repeats=2`;

  /** Opens the page with `query`, runs its comparison and waits for the result. */
  // deno-lint-ignore no-explicit-any
  async function compare(page: any, query: string): Promise<void> {
    await page.goto(`${server.url}/?${query}`);
    await page.waitForSelector("body[data-state=ready]");
    await page.click("#run");
    await page.waitForSelector("body[data-state=done]", { timeout: 120_000 });
  }

  it(
    "shows the form before its script runs; without it, Compare reloads it as a link",
    slow,
    async () => {
      const page = await browser.newPage();
      await page.route("**/assets/app.js", (route: { abort(): Promise<void> }) => route.abort());
      await page.goto(`${server.url}/`);
      assert.equal(await page.inputValue("#workload"), "mandelbrot");
      assert.ok((await page.$$("#workload option")).length >= 8);
      assert.equal(await page.inputValue("#param-width"), "800");
      assert.deepEqual(await checkedValues(page, "runtime"), await installed());
      await page.selectOption("#workload", "primes");
      await page.fill("#repeats", "4");
      for (const box of await page.$$("input[type=checkbox][name=runtime]")) {
        if (await box.getAttribute("value") !== runtime.name) await box.uncheck();
      }
      await Promise.all([page.waitForURL(/workload=primes/), page.click("#run")]);
      assert.equal(await page.inputValue("#workload"), "primes");
      assert.equal(await page.inputValue("#param-n"), "2000000", "the new workload's parameters");
      assert.equal(await page.inputValue("#repeats"), "4");
      assert.deepEqual(await checkedValues(page, "runtime"), [runtime.name]);
      assert.equal(await page.$("body[data-state]"), null, "the script did not run");
      await page.close();
    },
  );

  it("checks the installed runtimes once its script runs", slow, async () => {
    const { page, problems } = await open("/");
    await page.waitForSelector("body[data-state=ready]");
    assert.deepEqual(await checkedValues(page, "runtime"), await installed());
    assert.match(await page.textContent("#runtime-info"), new RegExp(`Served by ${runtime.name}`));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it(
    "runs a comparison: chart and legend, start-up times, CSV, JSON, permalink",
    slow,
    async () => {
      const { page, problems } = await open("/");
      await compare(page, small);
      const rows = await tableRows(page);
      assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]} ${r[2]}`), [
        `${runtime.name} sequential 1`,
        `${runtime.name} thread 1`,
        `${runtime.name} thread 2`,
      ]);
      assert.ok(
        rows.every((r) => /^\d+(\.\d+)?$/.test(r[6])),
        `start-up ms: ${rows.map((r) => r[6])}`,
      );
      assert.equal(rows[0][8], "1.00×");
      assert.match(rows[2][8], /^\d+\.\d\d×$/);
      assert.deepEqual(rows.map((r) => r[10]), ["baseline", "matches", "matches"]);
      assert.equal((await page.$$("#chart svg g.bar")).length, 3);
      const legend = await page.$$eval(
        "#chart .legend li",
        (lis: HTMLElement[]) => lis.map((li) => `${li.dataset.mode ?? "-"}: ${li.textContent}`),
      );
      assert.deepEqual(legend.slice(0, 2), [
        "sequential: sequential (one worker: the baseline)",
        "thread: worker threads",
      ]);
      assert.match(legend.join(), /fastest–slowest repeat/);
      assert.match(await page.textContent("#chart g.bar title"), /start-up \d/);

      const download = async (id: string) => {
        const [file] = await Promise.all([page.waitForEvent("download"), page.click(id)]);
        return readFileSync(await file.path(), "utf8");
      };
      const csv = (await download("#export-csv")).trimEnd().split("\r\n");
      assert.match(csv[0], /^runtime,mode,workers,status,median_ms,min_ms,max_ms,startup_ms,/);
      assert.equal(csv.length, 4);
      assert.match(csv[1], new RegExp(`^${runtime.name},sequential,1,ok,\\d`));
      const json = JSON.parse(await download("#export-json"));
      assert.equal(json.result.cells.length, 3);
      assert.equal(json.request.workload, "mandelbrot");
      const id = json.job.id;
      assert.ok(page.url().endsWith(`job=${id}`), `the address is the permalink: ${page.url()}`);
      assert.equal(json.permalink, page.url());
      assert.equal(
        await page.getAttribute("#permalink", "href"),
        new URL(page.url()).pathname +
          new URL(page.url()).search,
      );

      await page.screenshot({
        path: join(artifacts, `playground-${runtime.name}.png`),
        fullPage: true,
      });
      assert.deepEqual(problems, []);
      await page.close();
    },
  );

  it(
    "opens a permalink with its form and result, from the history or from the server",
    slow,
    async () => {
      const first = await open("/");
      await compare(first.page, small.replace("repeats=2", "repeats=1"));
      const permalink = first.page.url();
      await first.page.close();

      const { page, problems } = await open(
        new URL(permalink).pathname + new URL(permalink).search,
      );
      await page.waitForSelector("body[data-state=done]");
      assert.equal(await page.inputValue("#param-width"), "240");
      assert.deepEqual(await checkedValues(page, "workers"), ["1", "2"]);
      assert.deepEqual(await checkedValues(page, "runtime"), [runtime.name]);
      assert.equal(await page.inputValue("#repeats"), "1");
      assert.equal((await tableRows(page)).length, 3);
      assert.match(await page.textContent("#progress-text"), /^Reopened job /);

      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.waitForSelector("body[data-state=done]");
      assert.match(await page.textContent("#progress-text"), /kept by the server/);
      assert.equal((await tableRows(page)).length, 3);
      assert.deepEqual(problems, []);
      await page.close();
    },
  );

  it("keeps past runs in the history and reopens them", slow, async () => {
    const { page, problems } = await open("/");
    await page.evaluate(() => localStorage.clear());
    await compare(page, `workload=primes&p.n=5000&workers=1&runtime=${runtime.name}&repeats=1`);
    await page.reload(); // at the permalink, which reopens the run
    await page.waitForSelector("body[data-state=done]");
    const entries = await page.$$eval("#history-list li", (lis: Element[]) => lis.length);
    assert.equal(entries, 1, "the run outlives a reload");
    assert.match(await page.textContent("#history-list button"), /^primes · /);

    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-state=ready]");
    assert.equal(await page.inputValue("#workload"), "mandelbrot");
    await page.click("#history-list button");
    await page.waitForSelector("body[data-state=done]");
    assert.equal(await page.inputValue("#workload"), "primes");
    assert.equal(await page.inputValue("#param-n"), "5000");
    assert.equal((await tableRows(page)).length, 2);
    assert.match(page.url(), /job=/);

    await page.click("#history-clear");
    assert.equal(await page.$$eval("#history-list li", (lis: Element[]) => lis.length), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("fits a 420 px wide window, before and after a comparison", slow, async () => {
    const { page, problems } = await open("/");
    await page.setViewportSize({ width: 420, height: 900 });
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    await page.reload();
    await page.waitForSelector("body[data-state=ready]");
    assert.ok(await width() <= 420, `the form is ${await width()} px wide`);
    await compare(page, small);
    assert.ok(await width() <= 420, `the results are ${await width()} px wide`);
    await page.screenshot({
      path: join(artifacts, `playground-420-${runtime.name}.png`),
      fullPage: true,
    });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("cancels a running comparison", slow, async () => {
    const { page, problems } = await open(`/?workload=primes&p.n=20000000&runtime=${runtime.name}`);
    await page.waitForSelector("body[data-state=ready]");
    await page.click("#run");
    await page.waitForSelector("#cancel:not([disabled])");
    await page.click("#cancel");
    await page.waitForFunction(() =>
      document.getElementById("progress-text")?.textContent?.includes("cancelled")
    );
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("shows the API docs from local assets", slow, async () => {
    const { page, problems } = await open("/docs");
    await page.waitForSelector("text=polycore playground", { timeout: 60_000 });
    await page.waitForSelector("text=Start a job: one workload, one mode");
    await page.screenshot({ path: join(artifacts, `docs-${runtime.name}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
