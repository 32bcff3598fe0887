// The freeze window form (workers/admin/governance/freeze-windows.ts); times on the zone's wall clock.
import { zonedToUtc } from "../zoned-time";
import type { Problems } from "../form-problems";
import { str } from "./common";

export const FREEZE_RECURRENCES = ["NONE", "DAILY", "WEEKLY"] as const;
export const ENVIRONMENT_TYPES = ["development", "staging", "production"] as const;
export type FreezeRecurrenceName = (typeof FREEZE_RECURRENCES)[number];
const PERIOD_MS: Record<FreezeRecurrenceName, number> = { NONE: Infinity, DAILY: 86_400_000, WEEKLY: 7 * 86_400_000 };

export interface FreezeValues {
  name: string; target: "environment" | "type"; environmentId: string; environmentType: string; start: string; end: string;
  timezone: string; recurrence: FreezeRecurrenceName; reason: string;
}

export function readFreeze(form: FormData): FreezeValues {
  const recurrence = str(form, "recurrence") as FreezeRecurrenceName;
  return {
    name: str(form, "name"), target: str(form, "target") === "type" ? "type" : "environment",
    environmentId: str(form, "environmentId"), environmentType: str(form, "environmentType"),
    start: str(form, "start"), end: str(form, "end"), timezone: str(form, "timezone") || "UTC",
    recurrence: FREEZE_RECURRENCES.includes(recurrence) ? recurrence : "NONE", reason: str(form, "reason"),
  };
}

export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function freezeProblems(values: FreezeValues): Problems {
  const problems: Problems = {};
  if (!values.name) problems.name = "Name the freeze window.";
  else if (values.name.length > 100) problems.name = "At most 100 characters.";
  if (values.target === "environment" && !values.environmentId) problems.environmentId = "Choose the environment it freezes.";
  if (values.target === "type" && !(ENVIRONMENT_TYPES as readonly string[]).includes(values.environmentType)) problems.environmentType = "Choose the type of environment it freezes.";
  if (!isTimezone(values.timezone)) problems.timezone = `"${values.timezone}" is not an IANA time zone (e.g. Europe/Paris).`;
  if (values.reason.length > 500) problems.reason = "At most 500 characters.";
  if (!values.start) problems.start = "When does it start?";
  if (!values.end) problems.end = "When does it end?";
  if (problems.timezone || problems.start || problems.end) return problems;
  const start = zonedToUtc(values.start, values.timezone);
  const end = zonedToUtc(values.end, values.timezone);
  if (!start) problems.start = "Enter a date and time.";
  if (!end) problems.end = "Enter a date and time.";
  else if (start && end.getTime() <= start.getTime()) problems.end = "It must end after it starts.";
  else if (start && end.getTime() - start.getTime() >= PERIOD_MS[values.recurrence]) {
    problems.end = `A ${values.recurrence.toLowerCase()} window lasts less than a ${values.recurrence === "DAILY" ? "day" : "week"}.`;
  }
  return problems;
}
