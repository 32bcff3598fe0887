// Pure helpers behind the chart components (components/charts): number and time formats, the
// time axis's tick labels, folding a long distribution into "Other". No React, no DOM: node-tested.

/** One category of a bar, pie or donut chart. */
export interface Slice { label: string; value: number }

const COUNT = new Intl.NumberFormat("en-GB");
const COMPACT = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });

/** 12345 -> "12,345". */
export const formatCount = (n: number) => COUNT.format(n);
/** 12345 -> "12.3K" (axis ticks). */
export const formatCompact = (n: number) => COMPACT.format(n);

/** A 0..1 ratio as a percentage with one decimal ("97.5%"); "—" when unknown. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/**
 * The change of a rate against the previous period, in percentage points ("+1.2 pt", "−0.4 pt",
 * "±0.0 pt"); null when either side is unknown.
 */
export function formatRateDelta(current: number | null | undefined, previous: number | null | undefined): string | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  const points = Math.round((current - previous) * 1000) / 10;
  if (points === 0) return "±0.0 pt";
  return `${points > 0 ? "+" : "−"}${Math.abs(points).toFixed(1)} pt`;
}

/** The change of a count against the previous period ("+25%", "−10%"); null without a previous count. */
export function formatCountDelta(current: number, previous: number): string | null {
  if (previous === 0) return null;
  const pct = Math.round(((current - previous) / previous) * 100);
  if (pct === 0) return "±0%";
  return `${pct > 0 ? "+" : "−"}${Math.abs(pct)}%`;
}

/**
 * Tick and table labels for a time axis spanning [from, to]: times of day for up to two days, dates
 * with hours up to a week, dates beyond. Always UTC (the API's buckets are UTC), so a label reads
 * the same for every viewer and in tests.
 */
export function timeFormatter(from: Date, to: Date): (d: Date) => string {
  const spanHours = (to.getTime() - from.getTime()) / 3_600_000;
  const options: Intl.DateTimeFormatOptions =
    spanHours <= 48 ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
      : spanHours <= 24 * 7 ? { day: "numeric", month: "short", hour: "2-digit", hourCycle: "h23" }
        : { day: "numeric", month: "short" };
  const format = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" });
  return (d) => format.format(d);
}

/** A full UTC timestamp for tables: "06 Dec 2026, 18:05 UTC". */
export function formatInstant(d: Date): string {
  return `${new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" }).format(d)} UTC`;
}

/**
 * The `max` largest slices in order, the rest summed into one "Other" slice (only when it is not
 * empty), so a pie stays readable and its total stays exact. Zero slices are dropped.
 */
export function foldSlices(slices: Slice[], max: number, otherLabel = "Other"): Slice[] {
  const sorted = slices.filter((s) => s.value > 0).sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  if (sorted.length <= max) return sorted;
  const kept = sorted.slice(0, max - 1);
  const rest = sorted.slice(max - 1).reduce((sum, s) => sum + s.value, 0);
  return [...kept, { label: otherLabel, value: rest }];
}

/** The upper end of a value axis: the largest value, at least 1 (an all-zero chart still has an axis). */
export function valueMax(values: Iterable<number | null | undefined>): number {
  let max = 0;
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v) && v > max) max = v;
  return max > 0 ? max : 1;
}

/** Each slice's share of the total, 0..1 (0 for an empty total). */
export function shares(slices: Slice[]): number[] {
  const total = slices.reduce((sum, s) => sum + s.value, 0);
  return slices.map((s) => (total > 0 ? s.value / total : 0));
}

/** How many chart colours the theme defines (--chart-1 .. --chart-N in styles.css). */
export const CHART_COLOURS = 8;
/** The i-th series or slice colour, cycling through the theme's palette. */
export const chartColour = (i: number) => `var(--chart-${(i % CHART_COLOURS) + 1})`;
