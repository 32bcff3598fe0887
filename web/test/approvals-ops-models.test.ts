// The reschedule form's check, in the API's words (assertRunAt in workers/admin/workflow/schedules.ts):
// the wall-clock time in the chosen zone must name an instant in the future, at most 366 days ahead.
import { describe, expect, test } from "vitest";
import { rescheduleInstant, rescheduleProblems } from "../app/lib/reschedule";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};

const NOW = Date.parse("2026-12-06T12:00:00Z");
const DAY = 24 * 3600_000;

describe("rescheduling a scheduled change", () => {
  test("the time is read in the form's zone", () => {
    expect(rescheduleInstant(form({ scheduledAt: "2027-01-10T14:30", timezone: "Asia/Tokyo" }))?.toISOString()).toBe("2027-01-10T05:30:00.000Z");
    expect(rescheduleInstant(form({ scheduledAt: "2027-07-10T14:30", timezone: "Europe/Paris" }))?.toISOString()).toBe("2027-07-10T12:30:00.000Z");
    expect(rescheduleInstant(form({ scheduledAt: "2027-01-10T14:30" }))?.toISOString()).toBe("2027-01-10T14:30:00.000Z");
    expect(rescheduleInstant(form({ scheduledAt: "2027-01-10T14:30", timezone: "Mars/Olympus" }))).toBeNull();
  });

  test("a time is required and must be readable", () => {
    expect(rescheduleProblems(form({ scheduledAt: " ", timezone: "UTC" }), NOW)).toEqual({ scheduledAt: "choose when the change runs" });
    expect(rescheduleProblems(form({ scheduledAt: "tomorrow", timezone: "UTC" }), NOW)).toEqual({ scheduledAt: "must be a date and time" });
    expect(rescheduleProblems(form({ scheduledAt: "2027-01-10T14:30", timezone: "Mars/Olympus" }), NOW)).toEqual({ scheduledAt: "must be a date and time" });
  });

  test("the instant must be in the future", () => {
    expect(rescheduleProblems(form({ scheduledAt: "2026-12-06T12:00", timezone: "UTC" }), NOW)).toEqual({ scheduledAt: "must be in the future" });
    // 20:30 in Tokyo is 11:30 UTC: already past at noon UTC.
    expect(rescheduleProblems(form({ scheduledAt: "2026-12-06T20:30", timezone: "Asia/Tokyo" }), NOW)).toEqual({ scheduledAt: "must be in the future" });
    expect(rescheduleProblems(form({ scheduledAt: "2026-12-06T12:01", timezone: "UTC" }), NOW)).toEqual({});
  });

  test("at most a year (366 days) ahead", () => {
    const limit = new Date(NOW + 366 * DAY).toISOString().slice(0, 16);
    const beyond = new Date(NOW + 366 * DAY + 60_000).toISOString().slice(0, 16);
    expect(rescheduleProblems(form({ scheduledAt: limit, timezone: "UTC" }), NOW)).toEqual({});
    expect(rescheduleProblems(form({ scheduledAt: beyond, timezone: "UTC" }), NOW)).toEqual({ scheduledAt: "at most a year ahead" });
  });
});
