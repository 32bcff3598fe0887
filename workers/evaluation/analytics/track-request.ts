// The body of POST /v1/track:
//   {"events":[{"metric":"checkout_completed","flag":"checkout_button_text","variant":"variant-a",
//               "targetingKey":"user-42","value":1,"occurredAt":"2026-11-25T17:00:00Z"}]}
// value: conversion metrics 1 (converted, the default) or 0 (exposed, not converted); numeric
// metrics any finite number; duration metrics a finite number >= 0 (required for both).
// occurredAt: optional, defaults to now; at most 7 days old and 5 minutes ahead.
// The zod schema checks the shape (and documents it in /openapi.json); the time window needs the
// clock, and the value rules the metric's type (metric-events.ts).
import * as z from "zod/mini";
import { batch, documented, invalid, isoTimestamp, jsonObject, nonEmptyString, parseIngestBody, TIMESTAMP_META } from "./ingest-validation";

export const MAX_TRACK_EVENTS = 500;
export const MAX_TRACK_BODY_BYTES = 256 * 1024;
const MAX_KEY_LENGTH = 200;
const MAX_TARGETING_KEY_LENGTH = 256;
const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const MAX_AGE_MS = 7 * 24 * 60 * 60_000;

export const TrackEventSchema = documented(jsonObject({
  metric: documented(nonEmptyString(MAX_KEY_LENGTH), { description: "Key of a metric of the client's team." }),
  flag: nonEmptyString(MAX_KEY_LENGTH),
  variant: documented(nonEmptyString(MAX_KEY_LENGTH), { description: "The variant the user was served." }),
  targetingKey: nonEmptyString(MAX_TARGETING_KEY_LENGTH),
  value: documented(z.nullish(z.number({ error: "must be a finite number" })), {
    description: "Conversion metrics: 1 (converted, the default) or 0 (exposed, not converted). Numeric " +
      "metrics: any finite number; duration metrics: a number >= 0 (required for both).",
  }),
  occurredAt: documented(z.nullish(documented(isoTimestamp(), TIMESTAMP_META)), {
    description: "Defaults to now; at most 7 days old and 5 minutes ahead of the server's clock.",
  }),
}), { id: "TrackEvent" });

export const TrackRequestSchema = documented(jsonObject({ events: batch(TrackEventSchema, MAX_TRACK_EVENTS) }), {
  id: "TrackRequest",
  description: "Metric events for the variant each user was served. Conversions are counted once per " +
    "metric, flag, environment, user and variant.",
  example: { events: [{ metric: "checkout_completed", flag: "checkout_button_text", variant: "variant-a",
    targetingKey: "user-42", value: 1, occurredAt: "2026-11-25T17:00:00Z" }] },
});

export interface TrackEvent {
  metric: string;
  flag: string;
  variant: string;
  targetingKey: string;
  /** Undefined when the caller sent none (conversion metrics then count a conversion). */
  value: number | undefined;
  occurredAt: number;
}

export function parseTrackEvents(body: unknown, nowMs: number): TrackEvent[] {
  return parseIngestBody(TrackRequestSchema, body).events.map((e, i): TrackEvent => {
    let occurredAt = nowMs;
    if (e.occurredAt !== undefined && e.occurredAt !== null) {
      const path = `events.${i}.occurredAt`;
      occurredAt = Date.parse(e.occurredAt);
      if (occurredAt > nowMs + MAX_FUTURE_SKEW_MS) throw invalid(path, "is in the future; check the client's clock");
      if (occurredAt < nowMs - MAX_AGE_MS) throw invalid(path, "is more than 7 days ago; such events are not accepted");
    }
    const { metric, flag, variant, targetingKey } = e;
    return { metric, flag, variant, targetingKey, value: e.value ?? undefined, occurredAt };
  });
}
