// What the reschedule form refuses before it is sent, in the API's words (assertRunAt in
// workers/admin/workflow/schedules.ts): the new time is a wall-clock time in the browser's zone,
// and the instant it names must be in the future and at most a year (366 days) ahead.
import type { Problems } from "./form-problems";
import { zonedToUtc } from "./zoned-time";

const MAX_AHEAD_MS = 366 * 24 * 3600_000;

const value = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** The form's `scheduledAt` (datetime-local) in its `timezone` as an instant; null when unreadable. */
export function rescheduleInstant(form: FormData): Date | null {
  try {
    return zonedToUtc(value(form, "scheduledAt"), value(form, "timezone") || "UTC");
  } catch {
    // An unknown zone (Intl throws RangeError): the time cannot be placed.
    return null;
  }
}

export function rescheduleProblems(form: FormData, now: number): Problems {
  if (!value(form, "scheduledAt")) return { scheduledAt: "choose when the change runs" };
  const at = rescheduleInstant(form);
  if (!at) return { scheduledAt: "must be a date and time" };
  if (at.getTime() <= now) return { scheduledAt: "must be in the future" };
  if (at.getTime() > now + MAX_AHEAD_MS) return { scheduledAt: "at most a year ahead" };
  return {};
}
