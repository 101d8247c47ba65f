/**
 * The one error shape of every 4xx/5xx response:
 * `{ "error": { "code", "message", "field"?, "issues"?, "requestId" } }`.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One problem with one field of the input. */
export interface Issue {
  /** Dotted path of the field, e.g. `params.n`. */
  readonly field: string;
  readonly message: string;
}

/** The error body. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string;
    readonly issues?: readonly Issue[];
    readonly requestId?: string;
  };
}

/** The OpenAPI schema of {@linkcode ErrorBody}. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().openapi({ example: "validation_failed" }),
    message: z.string(),
    field: z.string().optional().openapi({ example: "params.n" }),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
}).openapi("Error");

/** An error with an HTTP status, a machine-readable code and, for input errors, the field. */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly field?: string;
  readonly issues?: readonly Issue[];
  readonly headers?: Readonly<Record<string, string>>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    extra: { field?: string; issues?: readonly Issue[]; headers?: Record<string, string> } = {},
  ) {
    super(status, { message });
    this.name = "ApiError";
    this.code = code;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.issues !== undefined) this.issues = extra.issues;
    if (extra.headers !== undefined) this.headers = extra.headers;
  }
}

const codes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "validation_failed",
  429: "too_many_requests",
  503: "unavailable",
  504: "gateway_timeout",
};

/** The JSON error response for `error`. Internal errors are hidden behind a generic message. */
export function errorResponse(c: Context, error: unknown): Response {
  const requestId = c.get("requestId" as never) as string | undefined;
  let status: ContentfulStatusCode = 500;
  let body: ErrorBody["error"];
  if (error instanceof ApiError) {
    status = error.status as ContentfulStatusCode;
    body = {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined ? { field: error.field } : {}),
      ...(error.issues !== undefined ? { issues: error.issues } : {}),
    };
    for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  } else if (error instanceof HTTPException) {
    status = error.status as ContentfulStatusCode;
    body = { code: codes[status] ?? `http_${status}`, message: error.message || "Request failed" };
    if (status === 400 && /json/i.test(error.message)) body = { ...body, code: "invalid_json" };
  } else {
    body = { code: "internal_error", message: "Internal server error" };
  }
  return c.json({ error: { ...body, ...(requestId ? { requestId } : {}) } }, status);
}

/** The issues of a zod error, with dotted field paths. */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
}

/** An {@linkcode ApiError} for invalid input: 422 for a body, 400 for the path or query. */
export function validationError(error: z.ZodError, target: string): ApiError {
  const issues = issuesOf(error);
  const first = issues[0];
  const where = target === "json" ? "" : `${target} `;
  return new ApiError(
    target === "json" ? 422 : 400,
    "validation_failed",
    `Invalid ${where}field '${first.field}': ${first.message}`,
    { field: first.field, issues },
  );
}
