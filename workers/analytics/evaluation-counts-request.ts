// The body of POST /v1/evaluation-counts (the contract in /work/brief/DELIVERY.md, docs/ANALYTICS.md):
//   {"sdk":"fluxgate-sdk/0.1.0","windowStart":"<ISO>","windowEnd":"<ISO>",
//    "counts":[{"flag":"dark_mode","variant":"on","reason":"SPLIT","count":12}]}
// Counts are attributed to the minute in which their window ended (capped at now).
import type { Reason } from "../../engine/types";
import { epochMinute, REASONS, type EvaluationCount } from "./counts";
import { asArray, asObject, asString, asTimestamp, invalid } from "./ingest-validation";

export const MAX_COUNT_ENTRIES = 1000;
/** 1,000 entries with long keys stay well below this. */
export const MAX_COUNTS_BODY_BYTES = 256 * 1024;
export const MAX_KEY_LENGTH = 200;
/** A window may end at most this far ahead of the server's clock (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Counts older than this are refused: the live rollups answer about recent traffic. */
export const MAX_WINDOW_AGE_MS = 7 * 24 * 60 * 60_000;
const MAX_COUNT = 1_000_000_000;

export interface EvaluationCountsReport {
  sdk: string;
  minute: number;
  counts: EvaluationCount[];
}

export function parseEvaluationCounts(body: unknown, environmentId: string, nowMs: number): EvaluationCountsReport {
  const root = asObject(body, "body");
  const sdk = root.sdk === undefined ? "unknown" : asString(root.sdk, "sdk", 100);
  const windowStart = asTimestamp(root.windowStart, "windowStart");
  const windowEnd = asTimestamp(root.windowEnd, "windowEnd");
  if (windowEnd < windowStart) throw invalid("windowEnd", "must not be before windowStart");
  if (windowEnd > nowMs + MAX_FUTURE_SKEW_MS) throw invalid("windowEnd", "is in the future; check the client's clock");
  if (windowStart < nowMs - MAX_WINDOW_AGE_MS) throw invalid("windowStart", "is more than 7 days ago; such counts are not accepted");
  const minute = epochMinute(Math.min(windowEnd, nowMs));
  // An empty report is accepted (nothing is written): an SDK flushing an idle window is not a mistake.
  const counts = asArray(root.counts, "counts", MAX_COUNT_ENTRIES, 0).map((raw, i): EvaluationCount => {
    const path = `counts.${i}`;
    const entry = asObject(raw, path);
    const flagKey = asString(entry.flag, `${path}.flag`, MAX_KEY_LENGTH);
    const variant = entry.variant === null || entry.variant === undefined
      ? null : asString(entry.variant, `${path}.variant`, MAX_KEY_LENGTH);
    if (!REASONS.includes(entry.reason as Reason)) throw invalid(`${path}.reason`, `must be one of ${REASONS.join(", ")}`);
    const count = entry.count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
      throw invalid(`${path}.count`, `must be a positive integer (at most ${MAX_COUNT})`);
    }
    return { environmentId, minute, flagKey, variant, reason: entry.reason as Reason, count };
  });
  return { sdk, minute, counts };
}
