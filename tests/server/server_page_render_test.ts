// The playground page as the server sends it (app.request("/"), no browser), on every runtime:
// the form is in the HTML — the workloads, modes, worker counts and runtimes of /api/workloads and
// /api/runtime as real controls, the installed runtimes checked — a query (a permalink's) is
// reflected in it, what the query carries is escaped, and the page embeds the data it was built
// from for its script; building it sends no request to the app (none counted, none logged).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "../../mod.ts";
import { appsShutDownAfter, call, otherRuntimes } from "../fixtures/server_helpers.ts";

const app = appsShutDownAfter();
const main = app();

/** The page's HTML for `query`. */
async function page(query = "", target = main): Promise<string> {
  const reply = await call(target, `/${query}`);
  assert.equal(reply.status, 200, reply.text.slice(0, 300));
  assert.match(reply.headers.get("content-type") ?? "", /^text\/html/);
  return reply.text;
}

/** The checkboxes named `name`: value → checked. */
function boxes(html: string, name: string): Record<string, boolean> {
  const found: Record<string, boolean> = {};
  const box = new RegExp(`<input type="checkbox" name="${name}" value="([^"]*)"( checked)?`, "g");
  for (const match of html.matchAll(box)) found[match[1]] = match[2] !== undefined;
  return found;
}

function inputValue(html: string, id: string): string | undefined {
  return html.match(new RegExp(`id="${id}"[^>]*value="([^"]*)"`))?.[1];
}

function selected(html: string): string | undefined {
  return html.match(/<option value="([^"]*)" selected>/)?.[1];
}

describe("GET / renders the form on the server", () => {
  it("lists the enabled workloads of /api/workloads, Mandelbrot selected with its defaults", async () => {
    const html = await page();
    const { body } = await call(main, "/api/workloads");
    const select = html.match(/<select id="workload" name="workload"[^>]*>(.*?)<\/select>/s);
    assert.ok(select, "the workload select is in the HTML");
    const options = [...select[1].matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(
      options,
      body.workloads.filter((w: { enabled: boolean }) => w.enabled).map((w: { name: string }) =>
        w.name
      ),
    );
    assert.equal(selected(html), "mandelbrot");
    assert.equal(inputValue(html, "param-width"), "800");
    assert.equal(inputValue(html, "param-maxIterations"), "500");
    assert.match(html, /<input type="number" id="param-width" name="p\.width" min="1" max="4000"/);
    assert.match(html, /<button id="run" type="submit">Compare<\/button>/);
    assert.match(html, /<form id="compare-form"[^>]* method="get" action="\/">/);
  });

  it("checks every installed runtime of /api/runtime, and the modes and worker counts", async () => {
    const html = await page();
    const { body } = await call(main, "/api/runtime");
    const installed = body.runtimes.filter((r: { available: boolean }) => r.available)
      .map((r: { name: string }) => r.name);
    const runtimes = boxes(html, "runtime");
    assert.deepEqual(Object.keys(runtimes).filter((name) => runtimes[name]), installed);
    assert.ok(runtimes[runtime.name]);
    assert.deepEqual(boxes(html, "mode"), {
      thread: true,
      ...(body.modes.process.available ? { process: false } : {}),
    });
    assert.match(html, /<input type="checkbox" value="sequential" checked disabled>/);
    const workers = boxes(html, "workers");
    assert.equal(workers["1"], true);
    assert.equal(workers["2"], true);
    assert.ok(Object.keys(workers).every((n) => Number(n) <= body.limits.maxWorkers));
    assert.match(html, new RegExp(`Served by ${runtime.name} ${runtime.version}`));
  });

  it("shows a runtime that is not installed unchecked and disabled, with the reason", async () => {
    const missing = otherRuntimes[0];
    const html = await page("", app({ runtimes: { bins: { [missing]: null } } }));
    assert.equal(boxes(html, "runtime")[missing], undefined, "no enabled checkbox");
    assert.match(
      html,
      new RegExp(
        `<label class="unavailable" title="[^"]*not installed[^"]*"><input type="checkbox" value="${missing}" disabled>`,
      ),
    );
  });

  it("fills the form from the query, as a permalink saved it", async () => {
    const html = await page(
      `?workload=primes&p.n=12345&mode=thread&mode=process&workers=1&runtime=${runtime.name}&repeats=5`,
    );
    assert.equal(selected(html), "primes");
    assert.equal(inputValue(html, "param-n"), "12345");
    assert.equal(inputValue(html, "repeats"), "5");
    assert.deepEqual(Object.entries(boxes(html, "workers")).filter(([, on]) => on), [["1", true]]);
    assert.deepEqual(Object.entries(boxes(html, "runtime")).filter(([, on]) => on), [
      [runtime.name, true],
    ]);
    assert.equal(boxes(html, "mode").thread, true);
  });

  it("drops what the server does not offer and keeps the defaults for what is absent", async () => {
    const html = await page("?workload=nope&workers=999&runtime=nope&repeats=0&mode=");
    assert.equal(selected(html), "mandelbrot");
    assert.deepEqual(Object.values(boxes(html, "workers")).filter(Boolean), []);
    assert.deepEqual(Object.values(boxes(html, "runtime")).filter(Boolean), []);
    assert.deepEqual(Object.values(boxes(html, "mode")).filter(Boolean), []);
    assert.equal(inputValue(html, "repeats"), "3");
  });

  it("offers user code with --allow-code, when the page is asked for by a loopback host", async () => {
    const reply = await call(app({ allowCode: true }), "/?workload=code", {
      headers: { host: "127.0.0.1:8787" },
    });
    assert.equal(reply.status, 200, reply.text.slice(0, 300));
    assert.equal(selected(reply.text), "code");
    assert.match(reply.text, /<textarea id="param-source" name="p\.source"[^>]*>let s = 0;/);
    assert.match(reply.text, /<textarea id="param-inputs" name="p\.inputs"[^>]*>\[2000000,/);
  });

  it("escapes what the query carries", async () => {
    const attack = `"><script>alert(1)</script>`;
    const html = await page(`?workload=primes&p.n=${encodeURIComponent(attack)}`);
    assert.ok(!html.includes(attack), "the query is not in the page as is");
    assert.equal(inputValue(html, "param-n"), "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("counts and logs only the request made: the page asks nothing of the API", async () => {
    const lines: string[] = [];
    const logged = app({ log: (line) => lines.push(line) });
    await page("", logged);
    const requests = lines.map((line) => line.split(" ").slice(0, 3).join(" "));
    assert.deepEqual(requests, ["<-- GET /", "--> GET /"], "only GET / is logged");
    const { body } = await call(logged, "/api/metrics");
    assert.deepEqual(body.http, { requests: 1, byStatus: { "200": 1 } });
    const prometheus = await call(logged, "/metrics");
    assert.match(prometheus.text, /^polycore_http_responses_total\{status="200"\} 2$/m);
  });

  it("embeds the data it was built from for the page's script", async () => {
    const html = await page();
    const json = html.match(/<script type="application\/json" id="page-data">(.*?)<\/script>/s);
    assert.ok(json, "the page data is in the HTML");
    const data = JSON.parse(json[1]);
    const { body } = await call(main, "/api/runtime");
    assert.deepEqual(data.info.runtimes, body.runtimes);
    assert.ok(data.workloads.every((w: { enabled: boolean }) => w.enabled));
    assert.ok(!json[1].includes("<"), "no markup can end the block early");
  });
});
