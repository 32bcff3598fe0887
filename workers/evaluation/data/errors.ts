// Typed HTTP errors of the evaluation Worker. Every client mistake becomes one of these (never a 500),
// and one place renders them: OFREP routes in the OFREP shape, FluxGate's own routes in theirs.
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Machine-readable codes. The first five are OpenFeature's error codes (OFREP reuses them); the
 * rest are HTTP-level conditions OFREP leaves without a body, named so clients can branch on them.
 */
export type ApiErrorCode =
  | "PARSE_ERROR"
  | "INVALID_CONTEXT"
  | "TARGETING_KEY_MISSING"
  | "FLAG_NOT_FOUND"
  | "GENERAL"
  | "INVALID_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  /** 403: the /evaluate context names another environment than the credential's. */
  | "ENVIRONMENT_MISMATCH"
  /** 403: a web client used from an origin it does not list. */
  | "ORIGIN_NOT_ALLOWED"
  /** 403: a server client used from a browser (a request with an Origin header). */
  | "SERVER_CLIENT_IN_BROWSER"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "SNAPSHOT_UNAVAILABLE"
  /** 503: reported counts could not be stored yet (the location relay did not acknowledge them). */
  | "COUNTS_UNAVAILABLE"
  | "UPGRADE_REQUIRED";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    /** Where in the request body the problem is (dotted path), when it is in the body. */
    readonly path?: string,
    /** Extra response headers (Allow, Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const unauthorized = (message: string) => new ApiError(401, "UNAUTHORIZED", message);
export const forbidden = (message: string) => new ApiError(403, "FORBIDDEN", message);
export const parseError = (message: string) => new ApiError(400, "PARSE_ERROR", message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, "TOO_MANY_REQUESTS",
    `too many requests with unknown credentials from this address; retry after ${retryAfterSeconds} s`,
    undefined, { "Retry-After": String(retryAfterSeconds) });
export const methodNotAllowed = (allow: string) =>
  new ApiError(405, "METHOD_NOT_ALLOWED", `method not allowed; use ${allow}`, undefined, { Allow: allow });
export const notFoundRoute = (method: string, path: string) =>
  new ApiError(404, "NOT_FOUND", `no route for ${method} ${path}; see /openapi.json`);

/** Anything that is not an ApiError is our fault: a 500 whose body carries no internals. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  console.error("unexpected error", error);
  return new ApiError(500, "GENERAL", "internal error while processing the request");
}

/** Which body shape a route family uses for errors. */
export type ErrorDialect = "ofrep" | "fluxgate";

export function dialectOf(pathname: string): ErrorDialect {
  return pathname.startsWith("/ofrep/") ? "ofrep" : "fluxgate";
}

/**
 * OFREP: `{key?, errorCode, errorDetails}` — evaluationFailure / flagNotFound when a flag key is
 * known, bulkEvaluationFailure / generalErrorResponse otherwise (the spec gives 401/403/405/413/415/429
 * no body; ours follow the same shape). FluxGate: `{error: {code, message, path?}}`.
 */
export function errorBody(error: ApiError, dialect: ErrorDialect, flagKey?: string): unknown {
  if (dialect === "ofrep") {
    return flagKey === undefined
      ? { errorCode: error.code, errorDetails: error.message }
      : { key: flagKey, errorCode: error.code, errorDetails: error.message };
  }
  return { error: error.path === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, path: error.path } };
}
