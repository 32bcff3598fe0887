// Where evaluation counts are read from, behind one small interface: the D1 rollups (d1-store.ts;
// live, and the only store under `wrangler dev` and in tests) or Analytics Engine's SQL API
// (engine-store.ts; the long-term store in production). The analytics services (dashboard.ts)
// compute every answer from these two reads, so both sources answer the same queries.
import type { MinuteWindow } from "./periods";

/** What a breakdown groups by. */
export const DIMENSIONS = ["feature", "environment", "client", "variant", "reason"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Which counts: a team's environments or listed ones, a window, optional feature and client. */
export interface CountFilter {
  scope: { teamId: string } | { environmentIds: readonly string[] };
  window: MinuteWindow;
  featureKey?: string | null;
  /** A client credential's id; "" selects counts whose client is not known. */
  clientId?: string | null;
}

export interface Totals {
  evaluations: number;
  /** Evaluations whose reason is ERROR. */
  errors: number;
  /** Evaluations answered from the evaluator's in-memory snapshot (docs/ANALYTICS.md). */
  cacheHits: number;
}

/** Totals of one value of a dimension ("" for no variant / unknown client). */
export interface GroupTotals extends Totals {
  key: string;
  /** The last minute with evaluations in the window. */
  lastMinute: number;
}

/** Totals of one epoch-aligned bucket: minutes [bucket, bucket + interval). */
export interface BucketTotals extends Totals {
  bucket: number;
}

export interface CountRead {
  /** One grouped read per dimension asked for. */
  groups?: readonly Dimension[];
  /** Also read totals per bucket of this many minutes (aligned to the Unix epoch). */
  intervalMinutes?: number;
}

export interface CountAnswer {
  groups: Partial<Record<Dimension, GroupTotals[]>>;
  buckets: BucketTotals[];
}

export interface EvaluationStore {
  /** Every grouping and the buckets of `read`, in one round trip where the source allows it. */
  read(filter: CountFilter, read: CountRead): Promise<CountAnswer>;
}
