// Wall-clock times in an IANA time zone <-> instants, for the freeze window form: a window is
// entered as the local date and time where the freeze happens (datetime-local inputs), while the
// API stores instants. Intl gives the zone's offset; no date library needed for two conversions.

/** The zone's offset from UTC, in ms, at the instant `at`. */
function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(at / 1000) * 1000;
}

/** "2026-12-24T18:00" in `timeZone` as an instant; null when the text is not a date-time. */
export function zonedToUtc(local: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(wall)) return null;
  // Two passes settle the offset near a daylight-saving change.
  let instant = wall - offsetAt(wall, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant);
}

/** An instant as "YYYY-MM-DDTHH:mm" on the wall clock of `timeZone` (for datetime-local inputs). */
export function utcToZoned(iso: string, timeZone: string): string {
  const at = new Date(iso).getTime();
  return new Date(at + offsetAt(at, timeZone)).toISOString().slice(0, 16);
}
