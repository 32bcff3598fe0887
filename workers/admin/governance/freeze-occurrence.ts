// When a freeze window is in force. A one-off window (NONE) covers [startsAt, endsAt). A recurring
// one repeats its first occurrence's wall-clock times in its IANA timezone every day (DAILY) or
// week (WEEKLY) from startsAt on, so "09:00-17:00 Europe/Paris" stays 09:00-17:00 local across a
// DST change (the UTC instants shift by an hour). Pure: Intl.DateTimeFormat does the zone maths.

export type Recurrence = "NONE" | "DAILY" | "WEEKLY";

export interface FreezeTiming {
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  recurrence: Recurrence;
}

export interface Occurrence {
  startsAt: Date;
  endsAt: Date;
}

const DAY_MS = 86_400_000;
export const RECURRENCE_PERIOD_MS: Record<Exclude<Recurrence, "NONE">, number> = { DAILY: DAY_MS, WEEKLY: 7 * DAY_MS };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timezone, format);
  }
  return format;
}

/** True for a zone Intl knows (e.g. "Europe/Paris", "UTC"). */
export function isTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of `instant` in the zone, as milliseconds of a UTC-based calendar. */
export function wallClock(instant: number, timezone: string): number {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall + (instant % 1000 + 1000) % 1000;
}

/**
 * The instant at which the zone's clocks read `wall`. A wall time skipped by a DST gap is shifted
 * forward by the gap (as Temporal's "compatible"); in an overlap, the first of the two instants.
 */
export function instantOf(wall: number, timezone: string): number {
  const offsetAt = (instant: number) => wallClock(instant, timezone) - instant;
  const early = wall - offsetAt(wall - DAY_MS);
  const late = wall - offsetAt(wall + DAY_MS);
  for (const candidate of [Math.min(early, late), Math.max(early, late)]) {
    if (wallClock(candidate, timezone) === wall) return candidate;
  }
  return Math.max(early, late); // a gap: the wall time is skipped; start once the clocks jumped
}

/** The occurrence in force at `now`, or null. */
export function occurrenceAt(timing: FreezeTiming, now: Date): Occurrence | null {
  const at = now.getTime();
  if (timing.recurrence === "NONE") {
    return timing.startsAt.getTime() <= at && at < timing.endsAt.getTime() ? { startsAt: timing.startsAt, endsAt: timing.endsAt } : null;
  }
  if (at < timing.startsAt.getTime()) return null;
  const period = RECURRENCE_PERIOD_MS[timing.recurrence];
  const firstStart = wallClock(timing.startsAt.getTime(), timing.timezone);
  const duration = wallClock(timing.endsAt.getTime(), timing.timezone) - firstStart;
  const k = Math.floor((wallClock(at, timing.timezone) - firstStart) / period);
  // The occurrence that started last, or the one before it if it is still running.
  for (const n of [k, k - 1]) {
    if (n < 0) continue;
    const startsAt = instantOf(firstStart + n * period, timing.timezone);
    const endsAt = instantOf(firstStart + n * period + duration, timing.timezone);
    if (startsAt <= at && at < endsAt) return { startsAt: new Date(startsAt), endsAt: new Date(endsAt) };
  }
  return null;
}
