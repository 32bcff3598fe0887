// The unit of evaluation analytics: how many times one flag was evaluated to one variant for one
// reason in one environment, and the whole minute (since the Unix epoch) the evaluations belong to.
import type { Reason } from "../../../engine/types";

export const REASONS: readonly Reason[] = ["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "ERROR"];

export interface EvaluationCount {
  environmentId: string;
  minute: number;
  flagKey: string;
  /** Null when no variant was served (an off flag without an off variant, an error). */
  variant: string | null;
  reason: Reason;
  count: number;
  /** The client credential that evaluated ("" or absent when not known). */
  clientId?: string;
  /** Of `count`, how many were answered from the in-memory snapshot (docs/ANALYTICS.md). */
  cacheHits?: number;
}

/** Where counted evaluations came from: an SDK's own report, or the Worker's evaluation routes. */
export type CountSource = "sdk" | "server";

export const MINUTE_MS = 60_000;

export const epochMinute = (timeMs: number): number => Math.floor(timeMs / MINUTE_MS);
