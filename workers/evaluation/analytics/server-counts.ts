// Counting the Worker's own evaluations (OFREP single and bulk, POST /evaluate) without slowing them:
// - one Analytics Engine data point per request (writeDataPoint is non-blocking);
// - an isolate-local aggregate (a Map increment per evaluated flag, keyed by the shared result
//   object) that is added to the D1 rollups
//   through ctx.waitUntil at most every FLUSH_INTERVAL_MS, or sooner when it holds MAX_PENDING_KEYS.
// An isolate evicted between flushes loses at most its last ~10 s of counts; Analytics Engine still
// has them. Evaluations of unknown flags (FLAG_NOT_FOUND) are not counted: keys a caller invents would
// otherwise grow the rollups without bound.
import type { EvaluationResult } from "../../../engine/types";
import type { Background } from "../data/snapshot-cache";
import { epochMinute, type EvaluationCount } from "./counts";
import { addToRollups } from "./rollups";
import { evaluationSink } from "./sink";

export const FLUSH_INTERVAL_MS = 10_000;
export const MAX_PENDING_KEYS = 2_000;

/** Where the Worker evaluated: HTTP routes, or the RPC entrypoint of apps' service bindings. */
export type ServerRoute = "ofrep" | "ofrep-bulk" | "evaluate" | "rpc" | "rpc-bulk";

interface CountEnv {
  DB: D1Database;
  EVALS?: AnalyticsEngineDataset;
}

/**
 * Pending counts per (environment, minute), keyed by the result OBJECT: the engine returns one shared
 * frozen result per flag outcome, so identity stands for (flag, variant, reason) and counting is a
 * Map lookup by reference, with no key string built per evaluation.
 */
const pending = new Map<string, { environmentId: string; minute: number; counts: Map<EvaluationResult, number> }>();
let pendingKeys = 0;
let lastFlushAt = 0;
let current: { environmentId: string; minute: number; counts: Map<EvaluationResult, number> } | null = null;

function bucketFor(environmentId: string, minute: number): Map<EvaluationResult, number> {
  if (current !== null && current.environmentId === environmentId && current.minute === minute) return current.counts;
  const key = `${environmentId}|${minute}`;
  let bucket = pending.get(key);
  if (!bucket) pending.set(key, (bucket = { environmentId, minute, counts: new Map() }));
  current = bucket;
  return bucket.counts;
}

function add(counts: Map<EvaluationResult, number>, result: EvaluationResult): void {
  if (result.errorCode === "FLAG_NOT_FOUND") return;
  const n = counts.get(result);
  if (n === undefined) {
    counts.set(result, 1);
    pendingKeys++;
  } else {
    counts.set(result, n + 1);
  }
}

/** Counts one request's evaluations. Cheap: map increments, one sink call, at most one waitUntil. */
export function countServerEvaluations(
  env: CountEnv, background: Background, environmentId: string,
  results: EvaluationResult | readonly EvaluationResult[], route: ServerRoute,
): void {
  const now = Date.now();
  const counts = bucketFor(environmentId, epochMinute(now));
  const sink = evaluationSink(env.EVALS);
  if (Array.isArray(results)) {
    for (const result of results) add(counts, result);
    sink?.write([{ environmentId, flagKey: "*", variant: "*", reason: "*", source: "server", origin: route, count: results.length }]);
  } else {
    const result = results as EvaluationResult;
    add(counts, result);
    if (result.errorCode !== "FLAG_NOT_FOUND") {
      sink?.write([{ environmentId, flagKey: result.key, variant: result.variant ?? "", reason: result.reason, source: "server", origin: route, count: 1 }]);
    }
  }
  if (pendingKeys > 0 && (now - lastFlushAt >= FLUSH_INTERVAL_MS || pendingKeys >= MAX_PENDING_KEYS)) {
    lastFlushAt = now;
    background.waitUntil(flushServerCounts(env.DB));
  }
}

/** The pending counts as rollup rows (results of different snapshot versions with the same outcome merge). */
function drain(): EvaluationCount[] {
  const rows = new Map<string, EvaluationCount>();
  for (const bucket of pending.values()) {
    for (const [result, count] of bucket.counts) {
      const key = `${bucket.environmentId}|${bucket.minute}|${result.key}|${result.variant ?? ""}|${result.reason}`;
      const row = rows.get(key);
      if (row) row.count += count;
      else rows.set(key, { environmentId: bucket.environmentId, minute: bucket.minute, flagKey: result.key, variant: result.variant ?? null, reason: result.reason, count });
    }
  }
  pending.clear();
  pendingKeys = 0;
  current = null;
  return [...rows.values()];
}

/**
 * Adds the pending counts to the rollups. A failed write is logged and its counts dropped (Analytics
 * Engine still has them): retrying could repeat a poisoned batch (e.g. a deleted environment) forever.
 */
export async function flushServerCounts(db: D1Database): Promise<number> {
  const counts = drain();
  try {
    await addToRollups(db, counts);
    return counts.length;
  } catch (error) {
    console.error(`evaluation rollup flush failed; ${counts.length} counts dropped`, error);
    return 0;
  }
}

/** Test support: drops pending counts and the flush timer. */
export function resetServerCounts(): void {
  drain();
  lastFlushAt = 0;
}
