// Client authentication for the evaluation routes.
// A credential arrives as `Authorization: Bearer <secret>` or `X-API-Key: <secret>` (OFREP's two
// schemes). Its SHA-256 addresses the client record in KV (`client:<hash>`, written by the
// environment Durable Object on publish); the stored hash is then compared in constant time.
// Records (and "no such client" answers) are cached per isolate for CLIENT_CACHE_TTL_MS, so a
// disabled, rotated or newly created client takes effect on every isolate within 10 s (plus KV's
// own propagation, up to ~60 s across locations). Only hashes are kept in memory, never secrets.
// Unknown credentials are throttled per client address (auth-throttle.ts); the throttle is consulted
// only off the hot path: before a KV lookup and on failure, never for a cached valid client.
import { clientKvKey, type ClientRecord } from "../../../protocol/delivery";
import { digestsEqual, sha256Hex } from "../../../protocol/secret-hash";
import { checkBrowserOrigin } from "./browser-origin";
import { authFailureThrottle, clientAddress, type AuthFailureThrottle } from "./auth-throttle";
import { forbidden, tooManyRequests, unauthorized } from "./errors";

export const CLIENT_CACHE_TTL_MS = 10_000;
/** Bounds memory when callers send many distinct unknown credentials. */
const CLIENT_CACHE_MAX_ENTRIES = 5_000;

interface CachedClient {
  record: ClientRecord | null;
  expiresAt: number;
}

const cache = new Map<string, CachedClient>();
const BEARER = /^bearer\s+(\S+)\s*$/i;

/** The presented secret, or null when the request carries none. */
export function readCredential(headers: Headers): string | null {
  const authorization = headers.get("Authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization);
    if (match) return match[1]!;
  }
  const apiKey = headers.get("X-API-Key")?.trim();
  return apiKey ? apiKey : null;
}

/**
 * The client allowed to make this request, or an ApiError: 401 when the credential is missing or
 * unknown, 429 when this address sent too many unknown credentials lately, 403 when the client is
 * disabled (FORBIDDEN) or a browser may not use it (ORIGIN_NOT_ALLOWED, SERVER_CLIENT_IN_BROWSER).
 * Server clients are refused from browsers (any Origin header): their secret must not ship in web
 * pages. A web client without an Origin header (server-side rendering, scripts) is allowed; its
 * secret is public by nature and origins only restrict browsers.
 * A missing credential is not a guess, so it is neither counted nor throttled.
 */
export async function authenticateClient(
  kv: KVNamespace,
  headers: Headers,
  throttle: AuthFailureThrottle = authFailureThrottle,
): Promise<ClientRecord> {
  const secret = readCredential(headers);
  if (secret === null) {
    throw unauthorized("missing credential; send Authorization: Bearer <client secret> or X-API-Key");
  }
  const hash = await sha256Hex(secret);
  const now = Date.now();
  const cached = cache.get(hash);
  let record: ClientRecord | null;
  if (cached !== undefined && cached.expiresAt > now) {
    record = cached.record;
  } else {
    refuseIfThrottled(throttle, headers);
    record = await fetchClient(kv, hash, now);
  }
  if (record === null || !digestsEqual(record.secretHash, hash)) {
    refuseIfThrottled(throttle, headers);
    throttle.recordFailure(clientAddress(headers));
    throw unauthorized("unknown client credential");
  }
  if (!record.enabled) throw forbidden("client is disabled");
  checkBrowserOrigin(record, headers.get("Origin"));
  return record;
}

function refuseIfThrottled(throttle: AuthFailureThrottle, headers: Headers): void {
  const wait = throttle.retryAfterSeconds(clientAddress(headers));
  if (wait > 0) throw tooManyRequests(wait);
}

async function fetchClient(kv: KVNamespace, hash: string, now: number): Promise<ClientRecord | null> {
  const record = parseClientRecord(await kv.get(clientKvKey(hash), "json"));
  if (cache.size >= CLIENT_CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(hash, { record, expiresAt: now + CLIENT_CACHE_TTL_MS });
  return record;
}

/** A KV value that is not a well-formed record is treated as no record (and logged). */
function parseClientRecord(value: unknown): ClientRecord | null {
  if (value === null) return null;
  const r = value as Partial<ClientRecord>;
  const wellFormed =
    typeof r === "object" && typeof r.secretHash === "string" && typeof r.environmentId === "string" &&
    typeof r.clientId === "string" && typeof r.enabled === "boolean" &&
    (r.kind === "server" || r.kind === "web") && Array.isArray(r.origins);
  if (!wellFormed) {
    console.error("malformed client record in KV", r?.clientId);
    return null;
  }
  return r as ClientRecord;
}

/** Forgets cached records (tests that change a client record in KV). */
export function clearClientCache(): void {
  cache.clear();
}
