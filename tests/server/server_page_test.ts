// The playground page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against a real server on 127.0.0.1:0 in this runtime: submit a comparison, watch it finish, check
// the chart and the speedup table, cancel a long one, open the API docs — with no request leaving
// the machine and no script error. Screenshots go to test-artifacts/ (gitignored). Skipped, with
// a notice, where Chromium is not installed (`apt-get install -y chromium`; .ci/run installs it).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
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

  it("runs a comparison and shows the chart and the speedup table", slow, async () => {
    const { page, problems } = await open("/");
    await page.waitForSelector("body[data-state=ready]");
    assert.match(await page.textContent("#runtime-info"), new RegExp(`Served by ${runtime.name}`));
    await page.selectOption("#workload", "mandelbrot");
    await page.fill("#param-width", "240");
    await page.fill("#param-height", "160");
    await page.fill("#param-maxIterations", "300");
    for (const input of await page.$$("input[name=workers]")) {
      const value = await input.getAttribute("value");
      if (value === "1" || value === "2") await input.check();
      else await input.uncheck();
    }
    await page.fill("#repeats", "2");
    await page.click("#run");
    await page.waitForSelector("body[data-state=done]", { timeout: 120_000 });
    const bars = await page.$$eval("#chart svg g.bar", (gs: Element[]) => gs.length);
    const rows = await page.$$eval(
      "#table tbody tr",
      (trs: Element[]) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)),
    );
    assert.equal(rows.length, 3, JSON.stringify(rows)); // sequential, thread ×1, thread ×2
    assert.equal(bars, 3);
    assert.deepEqual(rows.map((r: string[]) => `${r[0]} ${r[1]} ${r[2]}`), [
      `${runtime.name} sequential 1`,
      `${runtime.name} thread 1`,
      `${runtime.name} thread 2`,
    ]);
    assert.equal(rows[0][7], "1.00×");
    assert.match(rows[2][7], /^\d+\.\d\d×$/);
    assert.deepEqual(rows.map((r: string[]) => r[9]), ["baseline", "matches", "matches"]);
    await page.screenshot({
      path: join(artifacts, `playground-${runtime.name}.png`),
      fullPage: true,
    });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("cancels a running comparison", slow, async () => {
    const { page, problems } = await open("/");
    await page.waitForSelector("body[data-state=ready]");
    await page.selectOption("#workload", "primes");
    await page.fill("#param-n", "20000000");
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
