// The verdict of a canary gate from the metric on the baseline and canary variants. Pure.
//   value        conversion rate (conversion metrics) or mean (numeric, duration);
//   inconclusive either side has fewer samples than minSampleSize;
//   regression   direction-aware, in percent of the baseline, clamped at >= 0:
//                  higher_is_better: (baseline - canary) / baseline * 100
//                  lower_is_better:  (canary - baseline) / baseline * 100
//                a zero baseline with a worse canary counts as a 100% regression;
//   failed       regression > thresholdPct; otherwise passed.
import type { CANARY_DIRECTIONS, CANARY_OUTCOMES, MetricType } from "../../../../db/schema";

export type CanaryDirection = (typeof CANARY_DIRECTIONS)[number];
export type CanaryOutcome = (typeof CANARY_OUTCOMES)[number];

export interface CanarySide {
  n: number;
  conversions: number;
  sum: number;
}

export interface CanaryVerdict {
  outcome: CanaryOutcome;
  reason: string;
  baselineValue: number | null;
  canaryValue: number | null;
  regressionPct: number | null;
}

export interface CanaryRule {
  metricType: MetricType;
  direction: CanaryDirection;
  thresholdPct: number;
  minSampleSize: number;
}

const valueOf = (type: MetricType, side: CanarySide) =>
  side.n === 0 ? null : type === "conversion" ? side.conversions / side.n : side.sum / side.n;

export function regressionPct(direction: CanaryDirection, baseline: number, canary: number): number {
  const worse = direction === "higher_is_better" ? baseline - canary : canary - baseline;
  if (worse <= 0) return 0;
  if (baseline === 0) return 100;
  return (worse / Math.abs(baseline)) * 100;
}

const round = (x: number) => Math.round(x * 100) / 100;

export function judgeCanary(rule: CanaryRule, baseline: CanarySide, canary: CanarySide): CanaryVerdict {
  const baselineValue = valueOf(rule.metricType, baseline);
  const canaryValue = valueOf(rule.metricType, canary);
  if (baseline.n < rule.minSampleSize || canary.n < rule.minSampleSize) {
    return {
      outcome: "inconclusive", baselineValue, canaryValue, regressionPct: null,
      reason: `Not enough samples: baseline ${baseline.n}, canary ${canary.n}; at least ${rule.minSampleSize} each are needed`,
    };
  }
  const regression = regressionPct(rule.direction, baselineValue!, canaryValue!);
  const failed = regression > rule.thresholdPct;
  return {
    outcome: failed ? "failed" : "passed", baselineValue, canaryValue, regressionPct: regression,
    reason: failed
      ? `Canary regressed ${round(regression)}% against the baseline, over the ${rule.thresholdPct}% threshold`
      : `Canary regression ${round(regression)}% is within the ${rule.thresholdPct}% threshold`,
  };
}
