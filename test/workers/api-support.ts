// Calls the Worker the way a client does (exports.default.fetch inside workerd) for the data-plane
// tests: JSON bodies, one of the two credential schemes, and the decoded answer. OFREP answers are
// validated against the OFREP OpenAPI document on the way (test/e2e/support/ofrep-schema.ts).
import { exports } from "cloudflare:workers";
import { DEMO_SECRETS } from "../../db/seed/demo-data";
import { assertOfrepConformant } from "../e2e/support/ofrep-schema";

export const DEV_SECRET = DEMO_SECRETS.development;
export const WEB_SECRET = DEMO_SECRETS.web;
export const SINGLE = "/ofrep/v1/evaluate/flags";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface CallOptions {
  method?: string;
  /** null sends no credential. */
  secret?: string | null;
  scheme?: "bearer" | "x-api-key";
  body?: unknown;
  /** Sent verbatim instead of JSON.stringify(body). */
  raw?: BodyInit;
  headers?: Record<string, string>;
}

export async function call(path: string, options: CallOptions = {}): Promise<Answer> {
  const { method = "POST", secret = DEV_SECRET, scheme = "bearer", body, raw, headers = {} } = options;
  const init: RequestInit & { headers: Record<string, string> } = {
    method,
    headers: { "Content-Type": "application/json", ...headers },
  };
  if (secret !== null) {
    if (scheme === "bearer") init.headers["Authorization"] = `Bearer ${secret}`;
    else init.headers["X-API-Key"] = secret;
  }
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) init.body = JSON.stringify(body);
  const url = new URL(`http://fluxgate.test${path}`);
  const response = await exports.default.fetch(url, init);
  const text = await response.text();
  // Every OFREP answer any workers test reads is held to the OFREP OpenAPI schemas (README, Tests).
  assertOfrepConformant({ method, url, status: response.status, responseHeaders: response.headers, responseText: text }, { unspecifiedStatus: "skip" });
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const ofrep = (flagKey: string, context: Record<string, unknown>, options: CallOptions = {}) =>
  call(`${SINGLE}/${flagKey}`, { body: { context }, ...options });
