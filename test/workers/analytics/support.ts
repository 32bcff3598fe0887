// Shared helpers of the analytics tests: the rollup rows as stored, and a recording sink installed
// in place of Analytics Engine for the duration of a test file.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { EnvironmentObject } from "../../../durable-objects/environment-do";
import type { LocationRelay } from "../../../durable-objects/location-relay/relay";
import { relayName } from "../../../durable-objects/location-relay/relay-name";
import { currentLocation } from "../../../workers/evaluation/data/location";
import { RecordingSink, useEvaluationSink } from "../../../workers/evaluation/analytics/sink";

export interface RollupRow {
  environment_id: string;
  minute: number;
  flag_key: string;
  variant: string;
  reason: string;
  count: number;
}

export async function rollupRows(environmentId?: string): Promise<RollupRow[]> {
  const sql = `SELECT environment_id, minute, flag_key, variant, reason, count FROM evaluation_rollups
    ${environmentId ? "WHERE environment_id = ?1" : ""} ORDER BY environment_id, minute, flag_key, variant, reason`;
  const statement = env.DB.prepare(sql);
  return (await (environmentId ? statement.bind(environmentId) : statement).all<RollupRow>()).results;
}

/** Installs a fresh recording sink (call in beforeEach); returns it. */
export function recordingSink(): RecordingSink {
  const sink = new RecordingSink();
  useEvaluationSink(sink);
  return sink;
}

export const currentMinute = () => Math.floor(Date.now() / 60_000);

/**
 * Waits until no count is on its way to D1 any more: the location relays of `locations` (this
 * isolate's by default) and the environment objects hold nothing, so what D1 has is final. Counts
 * travel through the relay and the object's ledger (docs/ANALYTICS.md), a second or two each.
 */
export async function countsSettled(environmentIds: readonly string[], locations: readonly string[] = [currentLocation()], timeoutMs = 8_000): Promise<void> {
  const waiting = (state: DurableObjectState, prefix: string) => state.storage.sql.exec<{ n: number }>(
    `SELECT (SELECT COUNT(*) FROM ${prefix}_rows) + (SELECT COUNT(*) FROM ${prefix}_sealed) AS n`).one().n;
  const started = Date.now();
  for (;;) {
    let pending = 0;
    for (const environmentId of environmentIds) {
      for (const location of locations) {
        pending += await runInDurableObject(env.LOCATION_RELAYS.getByName(relayName(environmentId, location)), (_: LocationRelay, state) => waiting(state, "relay"));
      }
      pending += await runInDurableObject(env.ENVIRONMENTS.getByName(environmentId), (_: EnvironmentObject, state) => waiting(state, "ledger"));
    }
    if (pending === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`counts still on their way after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Total evaluations and cache hits in the rollups of one client. */
export async function clientTotals(clientId: string): Promise<{ count: number; cacheHits: number }> {
  return (await env.DB.prepare("SELECT COALESCE(SUM(count), 0) AS count, COALESCE(SUM(cache_hits), 0) AS cacheHits FROM evaluation_rollups WHERE client_id = ?1")
    .bind(clientId).first<{ count: number; cacheHits: number }>())!;
}
