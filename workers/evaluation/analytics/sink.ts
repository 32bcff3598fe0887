// The long-term sink of evaluation counts: Workers Analytics Engine (dataset bound as EVALS), behind a
// small interface so tests can record what would be written (wrangler dev and the test runtime
// discard Analytics Engine writes; the D1 rollups in rollups.ts are what local queries read).
//
// Data point layout (one point per count; docs/ANALYTICS.md shows queries):
//   index1  environment id                       (the sampling key: one environment's points sample together)
//   blob1   environment id
//   blob2   flag key, or "*" for several flags folded into one point (see foldCounts)
//   blob3   variant ("" when none, "*" when folded)
//   blob4   reason ("*" when folded)
//   blob5   source: "sdk" | "server"
//   blob6   origin: the SDK's name/version, or the server route ("ofrep", "ofrep-bulk", "evaluate", "rpc", "rpc-bulk")
//   blob7   client credential id ("" when not known, "*" when folded)
//   double1 number of evaluations
//   double2 of those, answered from the evaluator's in-memory snapshot (cache hits)
// Query: SELECT blob2 AS flag, SUM(_sample_interval * double1) AS evaluations FROM <dataset>
//        WHERE index1 = '<env id>' AND timestamp > NOW() - INTERVAL '1' DAY GROUP BY flag
import type { CountSource, EvaluationCount } from "./counts";

/**
 * Analytics Engine accepts at most 25 writeDataPoint calls per Worker invocation; a request stays
 * below that, leaving room for other writers.
 */
export const MAX_POINTS_PER_REQUEST = 20;
export const FOLDED = "*";

export interface EvaluationPoint {
  environmentId: string;
  flagKey: string;
  variant: string;
  reason: string;
  source: CountSource;
  origin: string;
  count: number;
  /** The client credential's id ("" or absent when not known). */
  clientId?: string;
  cacheHits?: number;
}

export interface EvaluationSink {
  /** Non-blocking: Analytics Engine buffers the points itself. */
  write(points: readonly EvaluationPoint[]): void;
}

export class AnalyticsEngineSink implements EvaluationSink {
  constructor(private readonly dataset: AnalyticsEngineDataset) {}

  write(points: readonly EvaluationPoint[]): void {
    for (const p of points) {
      this.dataset.writeDataPoint({
        indexes: [p.environmentId],
        blobs: [p.environmentId, p.flagKey, p.variant, p.reason, p.source, p.origin, p.clientId ?? ""],
        doubles: [p.count, p.cacheHits ?? 0],
      });
    }
  }
}

/** Keeps every point in memory, in order: what the tests inspect. */
export class RecordingSink implements EvaluationSink {
  readonly points: EvaluationPoint[] = [];

  write(points: readonly EvaluationPoint[]): void {
    this.points.push(...points);
  }
}

/**
 * The points for a batch of counts, at most `limit` of them. Within the limit every count is its own
 * point. Over it, counts are summed per flag (variant and reason become "*"); if there are still too
 * many flags, the largest `limit - 1` keep their own point and the rest share one with flag "*".
 * Totals are always exact; only the breakdown coarsens, and the D1 rollups keep it in full.
 */
export function foldCounts(
  counts: readonly Pick<EvaluationCount, "environmentId" | "flagKey" | "variant" | "reason" | "count" | "clientId" | "cacheHits">[],
  source: CountSource, origin: string, limit = MAX_POINTS_PER_REQUEST,
): EvaluationPoint[] {
  const point = (c: (typeof counts)[number]): EvaluationPoint => ({
    environmentId: c.environmentId, flagKey: c.flagKey, variant: c.variant ?? "", reason: c.reason, source, origin, count: c.count,
    ...(c.clientId ? { clientId: c.clientId } : {}), ...(c.cacheHits ? { cacheHits: c.cacheHits } : {}),
  });
  const merge = (into: EvaluationPoint, from: Pick<EvaluationPoint, "count" | "clientId" | "cacheHits">) => {
    into.count += from.count;
    const cacheHits = (into.cacheHits ?? 0) + (from.cacheHits ?? 0);
    if (cacheHits > 0) into.cacheHits = cacheHits;
    if ((into.clientId ?? "") !== (from.clientId ?? "")) into.clientId = FOLDED;
  };
  if (counts.length <= limit) return counts.map(point);
  const perFlag = new Map<string, EvaluationPoint>();
  for (const c of counts) {
    const key = `${c.environmentId}\u0000${c.flagKey}`;
    const existing = perFlag.get(key);
    if (existing) merge(existing, c);
    else perFlag.set(key, { ...point(c), variant: FOLDED, reason: FOLDED });
  }
  const flags = [...perFlag.values()];
  if (flags.length <= limit) return flags;
  flags.sort((a, b) => b.count - a.count || a.flagKey.localeCompare(b.flagKey));
  const kept = flags.slice(0, limit - 1);
  const rest = flags.slice(limit - 1);
  const others = { ...rest[0]!, flagKey: FOLDED };
  for (const p of rest.slice(1)) merge(others, p);
  kept.push(others);
  return kept;
}

let override: EvaluationSink | null = null;

/** Tests install a RecordingSink here; null restores the binding. */
export function useEvaluationSink(sink: EvaluationSink | null): void {
  override = sink;
}

const sinks = new WeakMap<AnalyticsEngineDataset, AnalyticsEngineSink>();

/** The sink for this Worker: the test override, else Analytics Engine, else none (binding absent). */
export function evaluationSink(dataset: AnalyticsEngineDataset | undefined): EvaluationSink | null {
  if (override) return override;
  if (!dataset) return null;
  let sink = sinks.get(dataset);
  if (!sink) sinks.set(dataset, (sink = new AnalyticsEngineSink(dataset)));
  return sink;
}
