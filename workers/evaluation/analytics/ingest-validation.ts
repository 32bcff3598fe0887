// Shared pieces of the analytics ingestion bodies. The zod schemas built from them validate the
// requests AND generate their /openapi.json description (one source). Each failure is a 400
// INVALID_REQUEST naming the field and what to send instead, so an SDK author can fix the call from
// the message alone. zod/mini: see ../openapi/documented.ts.
import * as z from "zod/mini";
import { ApiError } from "../data/errors";

export { documented } from "../openapi/documented";

export const invalid = (path: string, message: string) => new ApiError(400, "INVALID_REQUEST", `${path}: ${message}`, path);

export const jsonObject = <T extends z.core.$ZodShape>(shape: T) =>
  z.object(shape, { error: "must be a JSON object" });

export const nonEmptyString = (maxLength: number) =>
  z.string({ error: "must be a non-empty string" }).check(
    z.minLength(1, { error: "must be a non-empty string" }),
    z.maxLength(maxLength, { error: `must be at most ${maxLength} characters` }),
  );

const TIMESTAMP_ERROR = "must be an ISO-8601 timestamp such as 2026-11-25T17:00:00Z";
export const TIMESTAMP_META = { format: "date-time", example: "2026-11-25T17:00:00Z" };

/** An ISO-8601 timestamp with a date and time, e.g. 2026-11-25T17:00:00Z (read with Date.parse). */
export const isoTimestamp = () => z.string({ error: TIMESTAMP_ERROR }).check(
  z.regex(/^\d{4}-\d{2}-\d{2}T/, { error: TIMESTAMP_ERROR }),
  z.refine((value: string) => !Number.isNaN(Date.parse(value)), { error: TIMESTAMP_ERROR }),
);

export const batch = <T extends z.ZodMiniType>(entry: T, max: number, min = 1) =>
  z.array(entry, { error: "must be an array" }).check(
    z.minLength(min, { error: "must contain at least one entry" }),
    z.maxLength(max, { error: `must contain at most ${max} entries; split the batch` }),
  );

/** The body as the schema's output, or the first problem as INVALID_REQUEST (the root is `body`). */
export function parseIngestBody<T extends z.ZodMiniType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.length === 0 ? "body" : issue.path.map(String).join(".");
  throw invalid(path, issue.message);
}
