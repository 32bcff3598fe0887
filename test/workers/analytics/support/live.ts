// Helpers of the live analytics tests: rollup
// rows written the way the environment object's flush writes them, the object's announcement of
// new counts, and the number of events sockets an environment's object holds.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { eventually } from "../../control/support/actors";

export { SEED_RATES, SEED_SUMMARY } from "./seed-documents";

export interface Rollup {
  environmentId: string;
  minute: number;
  flagKey: string;
  variant?: string;
  reason: string;
  clientId?: string;
  count: number;
  cacheHits: number;
}

/** Adds rows to evaluation_rollups (count and cache_hits add up, like the flush). */
export async function addRollups(rows: Rollup[]): Promise<void> {
  const insert = env.DB.prepare(`INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, client_id, count, cache_hits)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (environment_id, minute, flag_key, variant, reason, client_id)
    DO UPDATE SET count = count + excluded.count, cache_hits = cache_hits + excluded.cache_hits`);
  await env.DB.batch(rows.map((r) => insert.bind(r.environmentId, r.minute, r.flagKey, r.variant ?? "", r.reason, r.clientId ?? "", r.count, r.cacheHits)));
}

/** What the environment object announces after its flush to D1. */
export async function announceCounted(environmentId: string, minutes: number[]): Promise<void> {
  await env.ENVIRONMENTS.getByName(environmentId).announce({
    type: "evaluations_counted", environmentId, minutes, at: new Date().toISOString(),
  });
}

const eventsSockets = (environmentId: string) =>
  runInDurableObject(env.ENVIRONMENTS.getByName(environmentId), (_instance, state) => state.getWebSockets("events").length);

/** Waits until a subscription's feed reached the environment's object (feeds open asynchronously). */
export async function feedOpen(environmentId: string): Promise<void> {
  await eventually(() => eventsSockets(environmentId), (n) => n >= 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

export const currentMinute = () => Math.floor(Date.now() / 60_000);
