// CORS for the evaluation routes. Browsers send preflights without credentials, so a preflight is
// answered for any origin (it only lets the browser send the real request). A real response carries
// Access-Control-Allow-Origin (the request's Origin, echoed) in two cases:
// - the authenticated client is a web client that lists the Origin: every answer, success or error
//   (400/404/413/415/503 ...), is the page's to read;
// - authentication failed before any client was recognised (401 missing or unknown credential,
//   429 throttled, 500): the answer is the same fixed text for every origin and says nothing about
//   any client, and the page supplied the credential itself (no cookies are involved, and we never
//   send Access-Control-Allow-Credentials), so letting it read the JSON error only replaces an
//   opaque network error with the real reason. Anything it learns, curl learns without a browser.
// - the refusal of a browser (ORIGIN_NOT_ALLOWED, SERVER_CLIENT_IN_BROWSER, browser-origin.ts): the
//   page supplied a secret that is in its source anyway, and without the reason a developer sees
//   only an opaque network error; the message lists no allowed origin. Anything it reveals (that
//   the secret is real, and its kind), curl learns by sending any Origin header.
// Other 403s (a disabled client) stay unreadable.
import type { ClientRecord } from "../../../protocol/delivery";
import type { ApiError, ApiErrorCode } from "./errors";

export const CORS_ALLOWED_METHODS = "POST, OPTIONS";
export const CORS_ALLOWED_HEADERS = "Authorization, X-API-Key, Content-Type, If-None-Match";
/** Response headers outside the CORS safelist that pages need: bulk ETags and 429/503 Retry-After. */
export const CORS_EXPOSED_HEADERS = "ETag, Retry-After";
/** Chromium caps preflight caching at 2 hours. */
export const CORS_MAX_AGE_SECONDS = 7200;

/** Authentication failures a page from any origin may read (see above). */
const ANONYMOUS_FAILURE_STATUSES: ReadonlySet<number> = new Set([401, 429, 500]);
const BROWSER_REFUSALS: ReadonlySet<ApiErrorCode> = new Set(["ORIGIN_NOT_ALLOWED", "SERVER_CLIENT_IN_BROWSER"]);

export function preflightResponse(origin: string | null): Response {
  const headers = new Headers({ Allow: CORS_ALLOWED_METHODS, Vary: "Origin" });
  if (origin !== null) {
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Allow-Methods", CORS_ALLOWED_METHODS);
    headers.set("Access-Control-Allow-Headers", CORS_ALLOWED_HEADERS);
    headers.set("Access-Control-Max-Age", String(CORS_MAX_AGE_SECONDS));
  }
  return new Response(null, { status: 204, headers });
}

/** Whether the authenticated client lets this Origin read its answers. */
export function clientAllowsOrigin(client: ClientRecord, origin: string | null): boolean {
  return origin !== null && client.kind === "web" && client.origins.includes(origin);
}

/** Whether a failed authentication's answer may be read by the requesting origin (see above). */
export function isReadableFailure(error: ApiError): boolean {
  return ANONYMOUS_FAILURE_STATUSES.has(error.status) || BROWSER_REFUSALS.has(error.code);
}

/** Adds the actual-request CORS headers; responses vary by Origin either way. */
export function applyCors(headers: Headers, origin: string | null, readable: boolean): void {
  headers.append("Vary", "Origin");
  if (origin !== null && readable) {
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
  }
}
