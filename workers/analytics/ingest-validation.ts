// Shared checks of the analytics ingestion bodies: each failure is a 400 INVALID_REQUEST naming the
// field and what to send instead, so an SDK author can fix the call from the message alone.
import { ApiError } from "../data/errors";

export const invalid = (path: string, message: string) => new ApiError(400, "INVALID_REQUEST", `${path}: ${message}`, path);

export function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(path, "must be a JSON object");
  return value as Record<string, unknown>;
}

export function asString(value: unknown, path: string, maxLength: number): string {
  if (typeof value !== "string" || value.length === 0) throw invalid(path, "must be a non-empty string");
  if (value.length > maxLength) throw invalid(path, `must be at most ${maxLength} characters`);
  return value;
}

/** An ISO-8601 timestamp with a date and time, e.g. 2026-11-25T17:00:00Z, as epoch milliseconds. */
export function asTimestamp(value: unknown, path: string): number {
  const ms = typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(path, "must be an ISO-8601 timestamp such as 2026-11-25T17:00:00Z");
  return ms;
}

export function asArray(value: unknown, path: string, max: number, min = 1): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, "must be an array");
  if (value.length < min) throw invalid(path, "must contain at least one entry");
  if (value.length > max) throw invalid(path, `must contain at most ${max} entries; split the batch`);
  return value;
}
