// The body of POST /v1/track:
//   {"events":[{"metric":"checkout_completed","flag":"checkout_button_text","variant":"variant-a",
//               "targetingKey":"user-42","value":1,"occurredAt":"2026-11-25T17:00:00Z"}]}
// value: conversion metrics 1 (converted, the default) or 0 (exposed, not converted); numeric
// metrics any finite number; duration metrics a finite number >= 0 (required for both).
// occurredAt: optional, defaults to now; at most 7 days old and 5 minutes ahead.
import { asArray, asObject, asString, asTimestamp, invalid } from "./ingest-validation";

export const MAX_TRACK_EVENTS = 500;
export const MAX_TRACK_BODY_BYTES = 256 * 1024;
const MAX_KEY_LENGTH = 200;
const MAX_TARGETING_KEY_LENGTH = 256;
const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const MAX_AGE_MS = 7 * 24 * 60 * 60_000;

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
  const root = asObject(body, "body");
  return asArray(root.events, "events", MAX_TRACK_EVENTS).map((raw, i): TrackEvent => {
    const path = `events.${i}`;
    const e = asObject(raw, path);
    let value: number | undefined;
    if (e.value !== undefined && e.value !== null) {
      if (typeof e.value !== "number" || !Number.isFinite(e.value)) throw invalid(`${path}.value`, "must be a finite number");
      value = e.value;
    }
    let occurredAt = nowMs;
    if (e.occurredAt !== undefined && e.occurredAt !== null) {
      occurredAt = asTimestamp(e.occurredAt, `${path}.occurredAt`);
      if (occurredAt > nowMs + MAX_FUTURE_SKEW_MS) throw invalid(`${path}.occurredAt`, "is in the future; check the client's clock");
      if (occurredAt < nowMs - MAX_AGE_MS) throw invalid(`${path}.occurredAt`, "is more than 7 days ago; such events are not accepted");
    }
    return {
      metric: asString(e.metric, `${path}.metric`, MAX_KEY_LENGTH),
      flag: asString(e.flag, `${path}.flag`, MAX_KEY_LENGTH),
      variant: asString(e.variant, `${path}.variant`, MAX_KEY_LENGTH),
      targetingKey: asString(e.targetingKey, `${path}.targetingKey`, MAX_TARGETING_KEY_LENGTH),
      value, occurredAt,
    };
  });
}
