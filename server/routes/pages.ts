/**
 * The pages: `GET /` (the playground, its form rendered on the server from the data
 * `GET /api/runtime` and `GET /api/workloads` answer, built by the same functions), its assets,
 * `GET /docs` (Scalar's API reference, its bundle served locally) and `GET /openapi.json`.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { Context } from "hono";
import { runtime } from "../../mod.ts";
import { appJs, type Asset, docsJs, indexHtml, styleCss } from "../assets.ts";
import { workloadCatalogue } from "../catalogue.ts";
import { ApiError } from "../errors.ts";
import type { AppEnv, ServerContext } from "../options.ts";
import type { PageData } from "../page/page_data.ts";
import { renderPage } from "../page/render_page.ts";
import { runtimeInfo } from "../runtime_info.ts";

const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">` +
  `<rect width="16" height="16" rx="3" fill="#1d232a"/>` +
  `<rect x="3" y="9" width="2" height="4" fill="#8a94a0"/><rect x="7" y="6" width="2" height="7" ` +
  `fill="#2f6fdb"/><rect x="11" y="3" width="2" height="10" fill="#e07b24"/></svg>`;

async function serve(c: Context, load: () => Promise<Asset>, cache: string): Promise<Response> {
  let asset: Asset;
  try {
    asset = await load();
  } catch (error) {
    throw new ApiError(
      500,
      "asset_unavailable",
      `Cannot load the asset: ${(error as Error).message}`,
    );
  }
  return c.body(asset.body as string, 200, { "Content-Type": asset.type, "Cache-Control": cache });
}

/**
 * What the page is built from: the data the API answers, built by the same functions (called
 * directly, so that a page view is the one request in the log and the metrics).
 */
async function pageData(ctx: ServerContext): Promise<PageData> {
  const info = await runtimeInfo(ctx);
  const { workloads } = workloadCatalogue(ctx.options);
  return { info, workloads: workloads.filter((w) => w.enabled) };
}

/** `GET /`: the page, its form reflecting the query (a permalink's). */
async function playground(c: Context<AppEnv>, ctx: ServerContext): Promise<Response> {
  let html: string;
  try {
    const [template, data] = await Promise.all([indexHtml(), pageData(ctx)]);
    const text = typeof template.body === "string"
      ? template.body
      : new TextDecoder().decode(template.body);
    html = renderPage(text, data, new URL(c.req.url).searchParams);
  } catch (error) {
    throw new ApiError(
      500,
      "page_unavailable",
      `Cannot render the page: ${(error as Error).message}`,
    );
  }
  return c.html(html, 200, { "Cache-Control": "no-cache" });
}

/** Registers the pages and the OpenAPI document. */
export function registerPages(app: OpenAPIHono<AppEnv>, ctx: ServerContext): void {
  app.get("/", (c) => playground(c, ctx));
  app.get("/assets/app.js", (c) => serve(c, appJs, "no-cache"));
  app.get("/assets/style.css", (c) => serve(c, styleCss, "no-cache"));
  app.get("/favicon.ico", (c) =>
    c.body(favicon, 200, {
      "Content-Type": "image/svg+xml",
      "Cache-Control": "public, max-age=86400",
    }));
  app.get("/docs/assets/scalar.js", (c) => serve(c, docsJs, "public, max-age=86400"));
  app.get(
    "/docs",
    Scalar((c) => ({
      url: "/openapi.json",
      pageTitle: "polycore playground API",
      cdn: "/docs/assets/scalar.js",
      nonce: c.get("secureHeadersNonce"),
      // Offline: no remote fonts, telemetry, AI agent, MCP or hosted developer tools.
      withDefaultFonts: false,
      hideClientButton: true,
      telemetry: false,
      showDeveloperTools: "never",
      agent: { disabled: true },
      mcp: { disabled: true },
    })),
  );
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "polycore playground",
      version: "0.1.0",
      description: "Compute jobs over HTTP, timed sequentially, on worker threads and on " +
        `child processes, across Node, Deno and Bun. Served by ${runtime.name} ${runtime.version}.`,
    },
    tags: [{ name: "jobs" }, { name: "server" }],
  });
}
