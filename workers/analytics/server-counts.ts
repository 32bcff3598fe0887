// Counting the Worker's own evaluations (OFREP single and bulk, POST /evaluate) without slowing them:
// - one Analytics Engine data point per request (writeDataPoint is non-blocking);
// - an isolate-local aggregate (a Map increment per evaluated flag) that is added to the D1 rollups
//   through ctx.waitUntil at most every FLUSH_INTERVAL_MS, or sooner when it holds MAX_PENDING_KEYS.
// An isolate evicted between flushes loses at most its last ~10 s of counts; Analytics Engine still
// has them. Evaluations of unknown flags (FLAG_NOT_FOUND) are not counted: keys a caller invents would
// otherwise grow the rollups without bound.
import type { EvaluationResult } from "../../engine/types";
import type { Background } from "../data/snapshot-cache";
import { epochMinute, type EvaluationCount } from "./counts";
import { addToRollups } from "./rollups";
import { evaluationSink, foldCounts } from "./sink";

export const FLUSH_INTERVAL_MS = 10_000;
export const MAX_PENDING_KEYS = 2_000;

export type ServerRoute = "ofrep" | "ofrep-bulk" | "evaluate";

interface CountEnv {
  DB: D1Database;
  EVALS?: AnalyticsEngineDataset;
}

const pending = new Map<string, EvaluationCount>();
let lastFlushAt = 0;

function add(environmentId: string, minute: number, result: EvaluationResult): void {
  if (result.errorCode === "FLAG_NOT_FOUND") return;
  const key = `${environmentId}|${minute}|${result.key}|${result.variant ?? ""}|${result.reason}`;
  const existing = pending.get(key);
  if (existing) existing.count++;
  else pending.set(key, { environmentId, minute, flagKey: result.key, variant: result.variant ?? null, reason: result.reason, count: 1 });
}

/** Counts one request's evaluations. Cheap: map increments, one sink call, at most one waitUntil. */
export function countServerEvaluations(
  env: CountEnv, background: Background, environmentId: string,
  results: EvaluationResult | readonly EvaluationResult[], route: ServerRoute,
): void {
  const now = Date.now();
  const minute = epochMinute(now);
  const sink = evaluationSink(env.EVALS);
  if (Array.isArray(results)) {
    for (const result of results) add(environmentId, minute, result);
    sink?.write([{ environmentId, flagKey: "*", variant: "*", reason: "*", source: "server", origin: route, count: results.length }]);
  } else {
    const result = results as EvaluationResult;
    add(environmentId, minute, result);
    if (result.errorCode !== "FLAG_NOT_FOUND") {
      sink?.write(foldCounts([{ environmentId, flagKey: result.key, variant: result.variant ?? null, reason: result.reason, count: 1 }], "server", route));
    }
  }
  if (pending.size > 0 && (now - lastFlushAt >= FLUSH_INTERVAL_MS || pending.size >= MAX_PENDING_KEYS)) {
    lastFlushAt = now;
    background.waitUntil(flushServerCounts(env.DB));
  }
}

/**
 * Adds the pending counts to the rollups. A failed write is logged and its counts dropped (Analytics
 * Engine still has them): retrying could repeat a poisoned batch (e.g. a deleted environment) forever.
 */
export async function flushServerCounts(db: D1Database): Promise<number> {
  const counts = [...pending.values()];
  pending.clear();
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
  pending.clear();
  lastFlushAt = 0;
}
