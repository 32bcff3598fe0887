// Who may open an OFREP event stream: the holder of a valid token (ofrep-sse-token.ts) of a client
// that still exists with the same secret, is enabled, and (from a browser) lists the page's origin.
// Same answers as the evaluation routes' authentication: 401 for a missing, malformed, expired or
// no longer valid token (revealing nothing about any client), 403 once a real client is recognised
// but refused (disabled, server client in a browser, origin not listed). Also mints the
// `eventStreams` entry of the bulk response.
import { checkBrowserOrigin } from "./browser-origin";
import { forbidden, unauthorized } from "./errors";
import { mintSseToken, readSseToken, sseTokenExpiry, sseTokenKey, sseTokenSignedFor } from "./ofrep-sse-token";
import type { ClientRecord } from "../../../protocol/delivery";

export const OFREP_EVENTS_PATH = "/ofrep/v1/events";
/** OFREP's default; a hidden tab closes its stream after this long and refetches when shown again. */
export const INACTIVITY_DELAY_SEC = 120;

export interface StreamClient {
  clientId: string;
  environmentId: string;
  secretHash: string;
  kind: "server" | "web";
  origins: string[];
}

interface ClientRow {
  environment_id: string;
  kind: "server" | "web";
  web_origins: string;
  enabled: number;
  secret_hash: string;
}

/** The row as D1 holds it now (the source of truth: KV records may lag by seconds). */
export async function loadStreamClient(db: D1Database, clientId: string): Promise<(StreamClient & { enabled: boolean }) | null> {
  const row = await db.prepare("SELECT environment_id, kind, web_origins, enabled, secret_hash FROM clients WHERE id = ?")
    .bind(clientId).first<ClientRow>();
  if (!row) return null;
  let origins: string[] = [];
  try {
    origins = JSON.parse(row.web_origins) as string[];
  } catch {
    // a malformed list allows no origin
  }
  return {
    clientId, environmentId: row.environment_id, secretHash: row.secret_hash, kind: row.kind, origins, enabled: row.enabled === 1,
  };
}

/** The client the token authorises for this origin, or an ApiError (401 / 403). */
export async function authorizeStream(
  db: D1Database, masterKey: string | undefined, token: string | null, origin: string | null, nowMs: number,
): Promise<StreamClient> {
  if (!token) throw unauthorized("missing token; connect to the eventStreams URL of a bulk evaluation response");
  if (!masterKey) throw unauthorized("event streams are not configured on this server");
  const claims = readSseToken(token, nowMs);
  if (claims === "MALFORMED") throw unauthorized("malformed event stream token");
  if (claims === "EXPIRED") throw unauthorized("expired event stream token; evaluate again for a fresh eventStreams URL");
  const client = await loadStreamClient(db, claims.clientId);
  const key = await sseTokenKey(masterKey);
  if (!client || client.environmentId !== claims.environmentId || !(await sseTokenSignedFor(key, token, claims, client.secretHash))) {
    throw unauthorized("invalid event stream token (the client may have been rotated or deleted)");
  }
  if (!client.enabled) throw forbidden("client is disabled");
  checkBrowserOrigin(client, origin);
  return client;
}

export interface EventStreamEntry {
  type: "sse";
  url: string;
  inactivityDelaySec: number;
}

/**
 * The bulk response's `eventStreams`: the absolute URL of this environment's stream (same origin
 * as the request) with a token for this client, and `v`, the snapshot version the response was
 * evaluated from. The stream treats `v` as the Last-Event-ID of a first connection, so a change
 * published between this response and the stream's opening (or hidden by this isolate's snapshot
 * cache, up to SNAPSHOT_REVALIDATE_MS behind) is announced at once instead of silently missed.
 * `v` changes only with the version, which changes the body (flagSetVersion) anyway, so 304s are
 * unaffected; a provider reconnects to the new URL after each change. Empty when no key is
 * configured: providers poll.
 */
export async function eventStreamsFor(
  requestUrl: string, masterKey: string | undefined, client: ClientRecord, nowMs: number, version: number,
): Promise<EventStreamEntry[]> {
  if (!masterKey) return [];
  const token = await cachedToken(masterKey, client, nowMs);
  const url = new URL(OFREP_EVENTS_PATH, requestUrl);
  url.searchParams.set("token", token);
  url.searchParams.set("v", String(version));
  return [{ type: "sse", url: url.href, inactivityDelaySec: INACTIVITY_DELAY_SEC }];
}

/** Tokens change once an hour (their expiry step): sign once per client and step, not per request. */
const tokens = new Map<string, string>();
const TOKEN_CACHE_MAX_ENTRIES = 5_000;

async function cachedToken(masterKey: string, client: ClientRecord, nowMs: number): Promise<string> {
  const cacheKey = `${client.clientId}\n${client.environmentId}\n${client.secretHash}\n${sseTokenExpiry(nowMs)}`;
  let token = tokens.get(cacheKey);
  if (token === undefined) {
    token = await mintSseToken(await sseTokenKey(masterKey), client, nowMs);
    if (tokens.size >= TOKEN_CACHE_MAX_ENTRIES) tokens.delete(tokens.keys().next().value!);
    tokens.set(cacheKey, token);
  }
  return token;
}
