// Reason names of /evaluate. By default the OpenFeature names, as OFREP answers them. Callers who
// migrate from the original FluxGate, whose documentation promised `TARGETED_MATCH`, opt in to its
// names per request with `"reasonNames": "original"` (README, "Reason names of the original").
import type { Reason } from "../../../engine/types";

export const REASON_NAME_SETS = ["openfeature", "original"] as const;
export type ReasonNames = (typeof REASON_NAME_SETS)[number];

/**
 * The original's names. It had one match reason for every rule match, weighted or not (its engine
 * never produced SPLIT); every other reason has the same name in both.
 */
const ORIGINAL_NAMES: Partial<Record<Reason, string>> = {
  TARGETING_MATCH: "TARGETED_MATCH",
  SPLIT: "TARGETED_MATCH",
};

export function reasonName(reason: Reason, names: ReasonNames): string {
  return names === "original" ? (ORIGINAL_NAMES[reason] ?? reason) : reason;
}
