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
// A 403 stays unreadable: it is only produced after a real client was recognised (disabled, a server
// client in a browser, an origin the client does not list), so it would confirm to any origin that
// the secret is real and what kind of client it belongs to. Only a listed origin may learn about a
// client. The browser still shows the 403 status in its developer tools.
import type { ClientRecord } from "../../../protocol/delivery";

export const CORS_ALLOWED_METHODS = "POST, OPTIONS";
export const CORS_ALLOWED_HEADERS = "Authorization, X-API-Key, Content-Type, If-None-Match";
/** Response headers outside the CORS safelist that pages need: bulk ETags and 429/503 Retry-After. */
export const CORS_EXPOSED_HEADERS = "ETag, Retry-After";
/** Chromium caps preflight caching at 2 hours. */
export const CORS_MAX_AGE_SECONDS = 7200;

/** Authentication failures a page from any origin may read (see above); 403 is deliberately absent. */
const ANONYMOUS_FAILURE_STATUSES: ReadonlySet<number> = new Set([401, 429, 500]);

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

/** Whether a failed authentication's answer (by status) may be read from any origin. */
export function isAnonymousFailure(status: number): boolean {
  return ANONYMOUS_FAILURE_STATUSES.has(status);
}

/** Adds the actual-request CORS headers; responses vary by Origin either way. */
export function applyCors(headers: Headers, origin: string | null, readable: boolean): void {
  headers.append("Vary", "Origin");
  if (origin !== null && readable) {
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
  }
}
