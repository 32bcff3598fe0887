// Sending outbox rows. Each attempt first CLAIMS its row (one conditional UPDATE: still queued,
// due, and not leased by another runner; it sets a claim token and a lease and counts the
// attempt), so the post-commit attempt and the cron job, or two cron runs, never send a row
// twice. The outcome is written back only under that claim token. A failed attempt is retried
// with exponential backoff (BACKOFF_BASE_MS doubling, capped at MAX_BACKOFF_MS) until MAX_ATTEMPTS,
// then the row is `failed`. A row whose channel is gone or disabled, or whose email/SMS has no
// recipient, is `skipped`. Errors recorded name the HTTP status and host only, never a secret.
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { notificationDeliveries } from "../../../db/schema";
import type { ControlDeps } from "../core/deps";
import { channelRow } from "./channels";
import { openSecrets } from "./channel-secrets";
import type { StoredEvent } from "./event";
import { resolveRecipients } from "./recipients";
import { emailRequest, smsRequests, webhookRequest, type OutgoingDelivery } from "./senders";

export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
/** The outbound HTTP seam: `fetch` in production; tests inject failures through it. */
export type Send = (request: Request) => Promise<Response>;

export const MAX_ATTEMPTS = 5;
export const BACKOFF_BASE_MS = 60_000;
export const MAX_BACKOFF_MS = 30 * 60_000;
/** How long a claim keeps other runners away (longer than an attempt can take). */
export const CLAIM_LEASE_MS = 2 * 60_000;
export const SEND_TIMEOUT_MS = 10_000;
/** Rows per cron run: each may make a few subrequests. */
export const DUE_BATCH_LIMIT = 25;

const fetchSend: Send = (request) => fetch(request, { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });

/** Delay before the next attempt after `attempts` failed ones: 1, 2, 4, 8 ... minutes, capped. */
export const backoffMs = (attempts: number) => Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

export interface DeliveryOptions {
  send?: Send;
  /** The runner's clock (defaults to deps.now()). */
  now?: Date;
}

type Outcome =
  | { status: "sent"; recipients: string[] | null }
  | { status: "skipped"; reason: string }
  | { status: "retry"; error: string; recipients: string[] | null };

const dueNow = (now: Date) => and(
  eq(notificationDeliveries.status, "queued"), lte(notificationDeliveries.nextAttemptAt, now),
  or(isNull(notificationDeliveries.claimedUntil), lte(notificationDeliveries.claimedUntil, now)),
);

/** First attempts of just-committed events (their rows only). */
export async function deliverEvents(deps: ControlDeps, eventIds: readonly string[], options: DeliveryOptions = {}): Promise<DeliveryRow[]> {
  if (!eventIds.length) return [];
  const now = options.now ?? deps.now();
  const rows = await deps.db.select({ id: notificationDeliveries.id }).from(notificationDeliveries)
    .where(and(inArray(notificationDeliveries.eventId, [...eventIds]), dueNow(now)));
  return deliverAll(deps, rows.map((r) => r.id), options);
}

/** Every due row, oldest first, at most `limit` (the cron job). */
export async function deliverDue(deps: ControlDeps, options: DeliveryOptions & { limit?: number } = {}): Promise<DeliveryRow[]> {
  const now = options.now ?? deps.now();
  const rows = await deps.db.select({ id: notificationDeliveries.id }).from(notificationDeliveries).where(dueNow(now))
    .orderBy(asc(notificationDeliveries.nextAttemptAt)).limit(options.limit ?? DUE_BATCH_LIMIT);
  return deliverAll(deps, rows.map((r) => r.id), options);
}

async function deliverAll(deps: ControlDeps, ids: string[], options: DeliveryOptions): Promise<DeliveryRow[]> {
  const done: DeliveryRow[] = [];
  for (const id of ids) {
    const row = await deliverOne(deps, id, options);
    if (row) done.push(row);
  }
  return done;
}

/** One attempt at one row; null when another runner holds it or it is no longer due. */
export async function deliverOne(deps: ControlDeps, id: string, options: DeliveryOptions = {}): Promise<DeliveryRow | null> {
  const now = options.now ?? deps.now();
  const token = crypto.randomUUID();
  const [claimed] = await deps.db.update(notificationDeliveries).set({
    claimToken: token, claimedUntil: new Date(now.getTime() + CLAIM_LEASE_MS),
    attempts: sql`${notificationDeliveries.attempts} + 1`, updatedAt: now,
  }).where(and(eq(notificationDeliveries.id, id), dueNow(now))).returning();
  if (!claimed) return null;
  let outcome: Outcome;
  try {
    outcome = await attempt(deps, claimed, options.send ?? fetchSend);
  } catch (error) {
    outcome = { status: "retry", error: `internal error (${error instanceof Error ? error.name : "unknown"})`, recipients: null };
  }
  const finished = outcomeColumns(outcome, claimed.attempts, now);
  const [row] = await deps.db.update(notificationDeliveries).set({ ...finished, claimToken: null, claimedUntil: null, updatedAt: now })
    .where(and(eq(notificationDeliveries.id, id), eq(notificationDeliveries.claimToken, token))).returning();
  return row ?? null;
}

function outcomeColumns(outcome: Outcome, attempts: number, now: Date): Partial<DeliveryRow> {
  switch (outcome.status) {
    case "sent": return { status: "sent", sentAt: now, lastError: null, recipients: outcome.recipients };
    case "skipped": return { status: "skipped", lastError: outcome.reason, recipients: null };
    case "retry":
      return attempts >= MAX_ATTEMPTS
        ? { status: "failed", lastError: `${outcome.error}; gave up after ${attempts} attempts`, recipients: outcome.recipients }
        : { status: "queued", lastError: outcome.error, recipients: outcome.recipients, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)) };
  }
}

async function attempt(deps: ControlDeps, row: DeliveryRow, send: Send): Promise<Outcome> {
  const channel = await channelRow(deps, row.teamId, row.channel);
  if (!channel) return { status: "skipped", reason: "the channel is no longer configured" };
  if (!channel.enabled) return { status: "skipped", reason: "the channel is disabled" };
  const secrets = await openSecrets(deps, channel.secretsEncrypted);
  const event = row.payload as unknown as StoredEvent;
  const delivery: OutgoingDelivery = { id: row.id, eventId: row.eventId, teamId: row.teamId, type: row.type, channel: row.channel, event };
  if (row.channel === "webhook") {
    const error = await sendAll(send, [await webhookRequest(delivery, channel.settings, secrets)]);
    return error ? { status: "retry", error, recipients: null } : { status: "sent", recipients: null };
  }
  const people = await resolveRecipients(deps, row.teamId, event.audience);
  const to = row.channel === "email"
    ? people.map((p) => p.email)
    : people.flatMap((p) => (p.mobile ? [p.mobile] : []));
  if (!to.length) {
    return { status: "skipped", reason: row.channel === "email" ? "no recipients" : "no recipient has a mobile number" };
  }
  const requests = row.channel === "email" ? [emailRequest(delivery, channel.settings, secrets, to)] : smsRequests(delivery, channel.settings, secrets, to);
  const error = await sendAll(send, requests);
  return error ? { status: "retry", error, recipients: to } : { status: "sent", recipients: to };
}

/** Sends each request; the first failure as a secret-free message, or null when all succeeded. */
async function sendAll(send: Send, requests: Request[]): Promise<string | null> {
  for (const request of requests) {
    const host = new URL(request.url).host;
    let response: Response;
    try {
      response = await send(request);
    } catch (error) {
      return `could not reach ${host} (${error instanceof Error ? error.name : "error"})`;
    }
    await response.body?.cancel();
    if (!response.ok) return `HTTP ${response.status} from ${host}`;
  }
  return null;
}
