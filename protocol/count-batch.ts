// The isolate-to-object path, shared by the evaluation Worker, the relay objects and the environment
// object: one `sync` call both revalidates a snapshot and carries evaluation counts, so whatever
// carries revalidation at scale (per-location relays) also carries counts (docs/SCALE.md,
// docs/ANALYTICS.md). Plain types only: no platform imports.
import type { FlagSetDocument } from "../engine/types";

/**
 * Evaluations of one flag in one whole minute (since the Unix epoch) to one variant for one reason
 * by one client. `cacheHits` of them were answered from the evaluator's in-memory snapshot.
 */
export interface CountRow {
  minute: number;
  flagKey: string;
  /** "" when no variant was served. */
  variant: string;
  reason: string;
  /** The client credential's id; "" when not known. */
  clientId: string;
  count: number;
  cacheHits: number;
}

/**
 * Counts handed on together. `id` is unique for ever (sender id + sequence): a receiver that has
 * seen it acknowledges it again without adding it twice, so a sender retries until acknowledged
 * and no count is lost or doubled across retries, evictions and restarts.
 */
export interface CountBatch {
  id: string;
  environmentId: string;
  rows: CountRow[];
}

/** Revalidate (version, contentHash) and hand over counts, in one call. */
export interface SyncRequest {
  version: number;
  contentHash: string;
  counts: CountBatch[];
  /**
   * A version the caller knows exists (an event-stream notice): a relay holding an older document
   * asks the environment object at once instead of answering from memory.
   */
  atLeastVersion?: number;
}

export interface SyncAnswer {
  /** The current document when it differs from the caller's (version, contentHash), else null. */
  document: FlagSetDocument | null;
  /** Ids of the batches now stored durably by the receiver: the caller forgets them. */
  acked: string[];
}
