// CORS for the evaluation routes. Browsers send preflights without credentials, so a preflight is
// answered for any origin (it only lets the browser send the real request); the real response then
// carries Access-Control-Allow-Origin only when the authenticated client is a web client that lists
// the request's Origin (client-auth refuses every other request carrying an Origin with 403).
import type { ClientRecord } from "../../protocol/delivery";

export const CORS_ALLOWED_METHODS = "POST, OPTIONS";
export const CORS_ALLOWED_HEADERS = "Authorization, X-API-Key, Content-Type, If-None-Match";
export const CORS_EXPOSED_HEADERS = "ETag";
/** Chromium caps preflight caching at 2 hours. */
export const CORS_MAX_AGE_SECONDS = 7200;

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

/** Adds the actual-request CORS headers; responses vary by Origin either way. */
export function applyCors(headers: Headers, client: ClientRecord | undefined, origin: string | null): void {
  headers.append("Vary", "Origin");
  if (origin !== null && client?.kind === "web" && client.origins.includes(origin)) {
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS);
  }
}
