// The body of POST /v1/evaluation-counts (the contract in /work/brief/DELIVERY.md, docs/ANALYTICS.md):
//   {"sdk":"fluxgate-sdk/0.1.0","windowStart":"<ISO>","windowEnd":"<ISO>",
//    "counts":[{"flag":"dark_mode","variant":"on","reason":"SPLIT","count":12}]}
// Counts are attributed to the minute in which their window ended (capped at now). The zod schema
// checks the shape (and documents it in /openapi.json); the window checks need the clock.
import * as z from "zod/mini";
import { epochMinute, REASONS, type EvaluationCount } from "./counts";
import { batch, documented, invalid, isoTimestamp, jsonObject, nonEmptyString, parseIngestBody, TIMESTAMP_META } from "./ingest-validation";

export const MAX_COUNT_ENTRIES = 1000;
/** 1,000 entries with long keys stay well below this. */
export const MAX_COUNTS_BODY_BYTES = 256 * 1024;
export const MAX_KEY_LENGTH = 200;
/** A window may end at most this far ahead of the server's clock (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Counts older than this are refused: the live rollups answer about recent traffic. */
export const MAX_WINDOW_AGE_MS = 7 * 24 * 60 * 60_000;
const MAX_COUNT = 1_000_000_000;

const countError = `must be a positive integer (at most ${MAX_COUNT})`;

export const EvaluationCountSchema = documented(jsonObject({
  flag: nonEmptyString(MAX_KEY_LENGTH),
  variant: documented(z.nullish(nonEmptyString(MAX_KEY_LENGTH)), {
    description: "Null or absent when no variant was served (an off flag without an off variant, an error).",
  }),
  reason: z.enum(REASONS, {
    error: `must be one of ${REASONS.join(", ")}`,
  }),
  count: z.int({ error: countError })
    .check(z.minimum(1, { error: countError }), z.maximum(MAX_COUNT, { error: countError })),
}), { id: "EvaluationCount" });

/** A report id: what an SDK resends unchanged when the answer to a report was lost. */
const REPORT_ID_PATTERN = /^[A-Za-z0-9._:-]{8,100}$/;

export const EvaluationCountsRequestSchema = documented(jsonObject({
  sdk: documented(z.optional(nonEmptyString(100)), { description: "Free text for diagnostics; `unknown` when absent." }),
  reportId: documented(z.optional(z.string({ error: "must be a string" }).check(
    z.regex(REPORT_ID_PATTERN, { error: "must be 8-100 characters: letters, digits, '.', '_', ':' or '-'" }))), {
    description: "Unique per report (e.g. a UUID). A report resent with the same id, because the answer to the " +
      "first attempt was lost, is counted once. Without one, every request counts.",
  }),
  windowStart: documented(isoTimestamp(), TIMESTAMP_META),
  windowEnd: documented(isoTimestamp(), {
    ...TIMESTAMP_META,
    description: "Not before windowStart, at most 5 minutes ahead of the server's clock; windowStart at " +
      "most 7 days ago. The counts belong to the minute in which the window ended.",
  }),
  // An empty report is accepted (nothing is written): an SDK flushing an idle window is not a mistake.
  counts: batch(EvaluationCountSchema, MAX_COUNT_ENTRIES, 0),
}), {
  id: "EvaluationCountsRequest",
  description: "How often an SDK evaluated each flag locally during one window.",
  example: {
    sdk: "fluxgate-sdk/0.1.0", windowStart: "2026-11-25T17:00:00Z", windowEnd: "2026-11-25T17:01:00Z",
    counts: [{ flag: "dark_mode", variant: "on", reason: "SPLIT", count: 12 }],
  },
});

export interface EvaluationCountsReport {
  sdk: string;
  /** The SDK's id of this report, when it sent one. */
  reportId: string | null;
  minute: number;
  counts: EvaluationCount[];
}

export function parseEvaluationCounts(body: unknown, environmentId: string, nowMs: number): EvaluationCountsReport {
  const report = parseIngestBody(EvaluationCountsRequestSchema, body);
  const windowStart = Date.parse(report.windowStart);
  const windowEnd = Date.parse(report.windowEnd);
  if (windowEnd < windowStart) throw invalid("windowEnd", "must not be before windowStart");
  if (windowEnd > nowMs + MAX_FUTURE_SKEW_MS) throw invalid("windowEnd", "is in the future; check the client's clock");
  if (windowStart < nowMs - MAX_WINDOW_AGE_MS) throw invalid("windowStart", "is more than 7 days ago; such counts are not accepted");
  const minute = epochMinute(Math.min(windowEnd, nowMs));
  const counts = report.counts.map(({ flag, variant, reason, count }): EvaluationCount =>
    ({ environmentId, minute, flagKey: flag, variant: variant ?? null, reason, count }));
  return { sdk: report.sdk ?? "unknown", reportId: report.reportId ?? null, minute, counts };
}
