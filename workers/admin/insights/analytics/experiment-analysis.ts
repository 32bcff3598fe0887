// Experiment analysis of one metric: per variant sample size, conversion rate or mean, lift against
// the baseline, confidence, 95% interval; then a winner, a recommendation and warnings. Pure.
//
// Rules (docs/ANALYTICS.md "Statistics"):
//   baseline   the variant "control" if it has data, else the first variant alphabetically;
//   lift       (value - baseline) / baseline; for duration metrics inverted (baseline - value) /
//              baseline, so a positive lift always means better;
//   guardrails at least 100 samples per variant and 200 in total, confidence >= 0.95, before a
//              result counts as significant;
//   SRM        a variant whose share of the samples deviates more than 15% (relative) from its
//              share in the CONFIGURED split weights is reported (the original compared against an
//              even split, which flags every intentionally uneven experiment).
import type { MetricType } from "../../../../db/schema";
import {
  confidenceOfZ, meanInterval, meanSample, relativeChange, twoProportionZ, welchZ, wilsonInterval, type Interval,
} from "./statistics";

export const MIN_SAMPLES_PER_VARIANT = 100;
export const MIN_TOTAL_SAMPLES = 200;
export const MIN_CONFIDENCE = 0.95;
export const SRM_TOLERANCE = 0.15;

export interface VariantAggregate {
  variant: string;
  /** Rows: users for conversion metrics, events otherwise. */
  n: number;
  /** Conversion metrics: users who converted. */
  conversions: number;
  sum: number;
  sumOfSquares: number;
}

export interface VariantResult {
  variant: string;
  sampleSize: number;
  conversions: number | null;
  conversionRate: number | null;
  meanValue: number | null;
  /** Null for the baseline and when the baseline's value is 0. */
  lift: number | null;
  /** 1 - p-value against the baseline; null for the baseline or when undefined. */
  confidence: number | null;
  confidenceInterval: Interval | null;
}

export interface MetricAnalysis {
  baselineVariant: string | null;
  results: VariantResult[];
  winner: string | null;
  statisticallySignificant: boolean;
  recommendation: string;
  warnings: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function pickBaseline(variants: readonly string[]): string | null {
  if (variants.includes("control")) return "control";
  return [...variants].sort()[0] ?? null;
}

/** Sample-ratio warnings against configured weights (variant -> weight); none without a split. */
export function sampleRatioWarnings(aggregates: readonly VariantAggregate[], weights: ReadonlyMap<string, number> | null): string[] {
  if (!weights || weights.size < 2) return [];
  const totalWeight = [...weights.values()].reduce((a, b) => a + b, 0);
  const inSplit = aggregates.filter((a) => weights.has(a.variant));
  const total = inSplit.reduce((sum, a) => sum + a.n, 0);
  if (totalWeight === 0 || total === 0) return [];
  const warnings: string[] = [];
  for (const [variant, weight] of [...weights].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const expected = weight / totalWeight;
    const observed = (inSplit.find((a) => a.variant === variant)?.n ?? 0) / total;
    if (expected > 0 && Math.abs(observed - expected) / expected > SRM_TOLERANCE) {
      warnings.push(`Sample ratio mismatch: ${variant} has ${pct(observed)} of the samples but ${pct(expected)} of the configured split`);
    }
  }
  return warnings;
}

export function analyzeMetric(
  type: MetricType, aggregates: readonly VariantAggregate[], weights: ReadonlyMap<string, number> | null,
): MetricAnalysis {
  const sorted = [...aggregates].sort((a, b) => (a.variant < b.variant ? -1 : 1));
  const baselineVariant = pickBaseline(sorted.map((a) => a.variant));
  const baseline = sorted.find((a) => a.variant === baselineVariant);
  const conversion = type === "conversion";
  const results: VariantResult[] = sorted.map((a) => {
    const isBaseline = a.variant === baselineVariant;
    if (conversion) {
      const rate = a.n === 0 ? 0 : a.conversions / a.n;
      const baseRate = baseline && baseline.n > 0 ? baseline.conversions / baseline.n : 0;
      const z = isBaseline || !baseline ? null : twoProportionZ({ n: baseline.n, successes: baseline.conversions }, { n: a.n, successes: a.conversions });
      return {
        variant: a.variant, sampleSize: a.n, conversions: a.conversions, conversionRate: rate, meanValue: null,
        lift: isBaseline ? null : relativeChange(baseRate, rate),
        confidence: z === null ? null : confidenceOfZ(z),
        confidenceInterval: wilsonInterval(a.conversions, a.n),
      };
    }
    const sample = meanSample(a.n, a.sum, a.sumOfSquares);
    const base = baseline ? meanSample(baseline.n, baseline.sum, baseline.sumOfSquares) : null;
    const change = isBaseline || !base ? null : relativeChange(base.mean, sample.mean);
    const z = isBaseline || !base ? null : welchZ(base, sample);
    return {
      variant: a.variant, sampleSize: a.n, conversions: null, conversionRate: null, meanValue: sample.mean,
      lift: change === null ? null : type === "duration" ? -change : change,
      confidence: z === null ? null : confidenceOfZ(z),
      confidenceInterval: meanInterval(sample),
    };
  });

  const warnings: string[] = [];
  for (const r of results) {
    if (r.sampleSize < MIN_SAMPLES_PER_VARIANT) warnings.push(`${r.variant} has ${r.sampleSize} samples; at least ${MIN_SAMPLES_PER_VARIANT} are needed`);
  }
  const total = results.reduce((sum, r) => sum + r.sampleSize, 0);
  if (total < MIN_TOTAL_SAMPLES) warnings.push(`${total} samples in total; at least ${MIN_TOTAL_SAMPLES} are needed`);
  warnings.push(...sampleRatioWarnings(sorted, weights));

  const enoughData = results.length >= 2 && total >= MIN_TOTAL_SAMPLES && results.every((r) => r.sampleSize >= MIN_SAMPLES_PER_VARIANT);
  const significant = results.filter((r) => r.variant !== baselineVariant && r.confidence !== null && r.confidence >= MIN_CONFIDENCE && r.lift !== null);
  const better = significant.filter((r) => r.lift! > 0).sort((a, b) => b.lift! - a.lift!);
  const others = results.filter((r) => r.variant !== baselineVariant);
  let winner: string | null = null;
  let recommendation: string;
  if (results.length < 2) {
    recommendation = "Not enough variants with data to compare";
  } else if (!enoughData) {
    recommendation = "Keep collecting data: the sample-size guardrails are not met yet";
  } else if (better.length > 0) {
    const best = better[0]!;
    winner = best.variant;
    recommendation = `Roll out ${best.variant}: ${best.lift! >= 0 ? "+" : ""}${pct(best.lift!)} vs ${baselineVariant} at ${pct(best.confidence!)} confidence`;
  } else if (others.length > 0 && others.every((r) => significant.includes(r))) {
    winner = baselineVariant;
    recommendation = `Keep ${baselineVariant}: every other variant performs significantly worse`;
  } else {
    recommendation = `No significant difference from ${baselineVariant} yet (confidence below ${pct(MIN_CONFIDENCE)})`;
  }
  return { baselineVariant, results, winner, statisticallySignificant: enoughData && winner !== null, recommendation, warnings };
}
