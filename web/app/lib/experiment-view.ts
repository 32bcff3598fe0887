// How the experiments dashboard reads the API's experiment statistics: rates and lifts as
// percentages, each variant's 95% interval placed on one shared scale per metric, observed sample
// shares next to the configured split, and warnings sorted into sample-ratio mismatches and
// guardrails. Pure; node tests pin it.

export interface VariantStats {
  variant: string;
  sampleSize: number;
  conversions?: number | null;
  conversionRate?: number | null;
  meanValue?: number | null;
  lift?: number | null;
  confidence?: number | null;
  confidenceInterval?: { lower: number; upper: number } | null;
}

/** 0.13 -> "13.0 %"; null -> "—". */
export const asPercent = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? "—" : `${(value * 100).toFixed(digits)} %`;

/** A relative lift with its sign: 0.3 -> "+30.0 %", -0.05 -> "−5.0 %"; the baseline has none. */
export function formatLift(lift: number | null | undefined): string {
  if (lift === null || lift === undefined) return "baseline";
  const text = `${Math.abs(lift * 100).toFixed(1)} %`;
  return lift > 0 ? `+${text}` : lift < 0 ? `−${text}` : text;
}

/** The variant's measured value: a conversion rate as a percentage, a mean as a number. */
export function measured(stats: VariantStats, metricType: string): string {
  if (metricType === "conversion") return asPercent(stats.conversionRate);
  return stats.meanValue === null || stats.meanValue === undefined ? "—" : String(Math.round(stats.meanValue * 1000) / 1000);
}

export function formatInterval(stats: VariantStats, metricType: string): string {
  const ci = stats.confidenceInterval;
  if (!ci) return "—";
  if (metricType === "conversion") return `${asPercent(ci.lower)} – ${asPercent(ci.upper)}`;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return `${round(ci.lower)} – ${round(ci.upper)}`;
}

/** Each interval and point as left/width/at percentages of one axis spanning every interval of the metric. */
export function intervalScale(results: VariantStats[]): Map<string, { left: number; width: number; at: number | null }> {
  const intervals = results.filter((r) => r.confidenceInterval);
  const lo = Math.min(...intervals.map((r) => r.confidenceInterval!.lower));
  const hi = Math.max(...intervals.map((r) => r.confidenceInterval!.upper));
  const span = hi - lo || 1;
  const position = (v: number) => Math.round(((v - lo) / span) * 1000) / 10;
  return new Map(intervals.map((r) => {
    const point = r.conversionRate ?? r.meanValue;
    const left = position(r.confidenceInterval!.lower);
    return [r.variant, { left, width: Math.round((position(r.confidenceInterval!.upper) - left) * 10) / 10, at: point === null || point === undefined ? null : position(point) }];
  }));
}

/** Observed share of the samples per variant and the configured split's share (both in percent). */
export function sampleShares(results: VariantStats[], splitWeights: { variant: string; weight: number }[] | null | undefined) {
  const total = results.reduce((sum, r) => sum + r.sampleSize, 0);
  const configuredTotal = (splitWeights ?? []).reduce((sum, w) => sum + w.weight, 0);
  return new Map(results.map((r) => {
    const weight = splitWeights?.find((w) => w.variant === r.variant)?.weight;
    return [r.variant, {
      observed: total ? Math.round((r.sampleSize / total) * 1000) / 10 : null,
      configured: weight !== undefined && configuredTotal ? Math.round((weight / configuredTotal) * 1000) / 10 : null,
    }];
  }));
}

/** The API's warnings split into sample-ratio mismatches and sample-size guardrails. */
export function sortWarnings(warnings: string[]): { mismatch: string[]; guardrails: string[] } {
  const mismatch = warnings.filter((w) => w.startsWith("Sample ratio mismatch"));
  return { mismatch, guardrails: warnings.filter((w) => !mismatch.includes(w)) };
}
