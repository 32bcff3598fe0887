// Counting the Worker's own evaluations (OFREP single and bulk, POST /evaluate, RPC) without
// slowing them:
// - one Analytics Engine data point per request (writeDataPoint is non-blocking);
// - an isolate-local aggregate (a Map increment per evaluated flag, keyed by the shared result
//   object) that rides to the environment object on the isolate's next snapshot sync (through its
//   location relay; data/snapshot-cache.ts): the pending counts become a CountBatch with the id
//   `${isolateId}:${seq}`, kept until acknowledged and resent on every sync until then, so no count
//   is lost or doubled across retries. The snapshot cache schedules a sync within one interval of
//   any counted request, so an isolate that goes idle (and may be evicted) hands everything over.
// Evaluations of unknown flags (FLAG_NOT_FOUND) are not counted: keys a caller invents would
// otherwise grow the rollups without bound.
import type { EvaluationResult } from "../../../engine/types";
import type { CountBatch, CountRow } from "../../../protocol/count-batch";
import { epochMinute } from "./counts";
import { evaluationSink } from "./sink";

/** Unacknowledged batches kept per environment; beyond it the oldest is dropped (Analytics Engine still has it). */
export const MAX_UNACKED_BATCHES = 100;

/** Where the Worker evaluated: HTTP routes, or the RPC entrypoint of apps' service bindings. */
export type ServerRoute = "ofrep" | "ofrep-bulk" | "evaluate" | "rpc" | "rpc-bulk";

interface Bucket {
  environmentId: string;
  minute: number;
  clientId: string;
  /** Whether these evaluations were answered from the in-memory snapshot. */
  cacheHit: boolean;
  /**
   * Keyed by the result OBJECT: the engine returns one shared frozen result per flag outcome, so
   * identity stands for (flag, variant, reason) and counting is a Map lookup by reference, with no
   * key string built per evaluation.
   */
  counts: Map<EvaluationResult, number>;
}

/** The isolate's counts on their way out. One per isolate (module state); tests make their own. */
export class ServerCounter {
  private readonly pending = new Map<string, Bucket>();
  private current: Bucket | null = null;
  private readonly unacked = new Map<string, CountBatch[]>();
  private seq = 0;

  /** `id` names this isolate's batches; random by default, drawn on first use (not allowed at module scope). */
  constructor(private id?: string) {}

  get isolateId(): string {
    return (this.id ??= crypto.randomUUID());
  }

  /** Adds one request's evaluations. */
  add(environmentId: string, clientId: string, cacheHit: boolean, results: EvaluationResult | readonly EvaluationResult[]): void {
    const counts = this.bucketFor(environmentId, epochMinute(Date.now()), clientId, cacheHit);
    if (Array.isArray(results)) {
      for (const result of results) increment(counts, result);
    } else {
      increment(counts, results as EvaluationResult);
    }
  }

  /** Whether counts of this environment wait to be handed over (new, or sent and not acknowledged). */
  has(environmentId: string): boolean {
    if ((this.unacked.get(environmentId)?.length ?? 0) > 0) return true;
    for (const bucket of this.pending.values()) if (bucket.environmentId === environmentId && bucket.counts.size > 0) return true;
    return false;
  }

  /** Whether counts of this environment were added since the last take. */
  hasNew(environmentId: string): boolean {
    for (const bucket of this.pending.values()) if (bucket.environmentId === environmentId && bucket.counts.size > 0) return true;
    return false;
  }

  /** The batches to send with the next sync: every unacknowledged one, the new counts sealed as one more. */
  take(environmentId: string): CountBatch[] {
    const rows = this.drain(environmentId);
    let batches = this.unacked.get(environmentId);
    if (rows.length > 0) {
      if (batches === undefined) this.unacked.set(environmentId, (batches = []));
      batches.push({ id: `${this.isolateId}:${++this.seq}`, environmentId, rows });
      if (batches.length > MAX_UNACKED_BATCHES) {
        const dropped = batches.shift()!;
        console.error("evaluation counts dropped: never acknowledged", { environmentId, batch: dropped.id });
      }
    }
    return batches === undefined ? [] : [...batches];
  }

  /** The receiver stored these batches: forget them. */
  acked(environmentId: string, ids: readonly string[]): void {
    const batches = this.unacked.get(environmentId);
    if (batches === undefined || ids.length === 0) return;
    const done = new Set(ids);
    const left = batches.filter((b) => !done.has(b.id));
    if (left.length === 0) this.unacked.delete(environmentId);
    else this.unacked.set(environmentId, left);
  }

  /** The environment no longer exists: its counts can never be stored. */
  drop(environmentId: string): void {
    this.unacked.delete(environmentId);
    this.drain(environmentId);
  }

  private bucketFor(environmentId: string, minute: number, clientId: string, cacheHit: boolean): Map<EvaluationResult, number> {
    const c = this.current;
    if (c !== null && c.environmentId === environmentId && c.minute === minute && c.clientId === clientId && c.cacheHit === cacheHit) {
      return c.counts;
    }
    const key = `${environmentId}|${minute}|${clientId}|${cacheHit ? 1 : 0}`;
    let bucket = this.pending.get(key);
    if (!bucket) this.pending.set(key, (bucket = { environmentId, minute, clientId, cacheHit, counts: new Map() }));
    this.current = bucket;
    return bucket.counts;
  }

  /** This environment's pending counts as rows (results of different snapshot versions with the same outcome merge). */
  private drain(environmentId: string): CountRow[] {
    const rows = new Map<string, CountRow>();
    for (const [key, bucket] of this.pending) {
      if (bucket.environmentId !== environmentId) continue;
      for (const [result, count] of bucket.counts) {
        const variant = result.variant ?? "";
        const rowKey = `${bucket.minute}|${result.key}|${variant}|${result.reason}|${bucket.clientId}`;
        let row = rows.get(rowKey);
        if (!row) {
          row = { minute: bucket.minute, flagKey: result.key, variant, reason: result.reason, clientId: bucket.clientId, count: 0, cacheHits: 0 };
          rows.set(rowKey, row);
        }
        row.count += count;
        if (bucket.cacheHit) row.cacheHits += count;
      }
      this.pending.delete(key);
      if (this.current === bucket) this.current = null;
    }
    return [...rows.values()];
  }
}

function increment(counts: Map<EvaluationResult, number>, result: EvaluationResult): void {
  if (result.errorCode === "FLAG_NOT_FOUND") return;
  counts.set(result, (counts.get(result) ?? 0) + 1);
}

/** The isolate's counter: module state lives as long as the isolate. */
export const serverCounter = new ServerCounter();

let counting = true;

/** Benchmark support (bench/scale/counting.scale.ts): measures evaluation with counting off. */
export function setServerCounting(on: boolean): void {
  counting = on;
}

/** Counts one request's evaluations. Cheap: map increments and one sink call; the hand-over is the snapshot cache's. */
export function countServerEvaluations(
  env: { EVALS?: AnalyticsEngineDataset }, environmentId: string, clientId: string, cacheHit: boolean,
  results: EvaluationResult | readonly EvaluationResult[], route: ServerRoute,
): void {
  if (!counting) return;
  serverCounter.add(environmentId, clientId, cacheHit, results);
  const sink = evaluationSink(env.EVALS);
  if (sink === null) return;
  if (Array.isArray(results)) {
    sink.write([{ environmentId, flagKey: "*", variant: "*", reason: "*", source: "server", origin: route, count: results.length }]);
  } else {
    const result = results as EvaluationResult;
    if (result.errorCode !== "FLAG_NOT_FOUND") {
      sink.write([{ environmentId, flagKey: result.key, variant: result.variant ?? "", reason: result.reason, source: "server", origin: route, count: 1 }]);
    }
  }
}
