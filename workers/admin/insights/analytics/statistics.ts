// The statistics of experiment results and canary gates. Pure functions, no platform imports.
//   - Conversion metrics: two-proportion z-test (pooled), Wilson score interval at 95%.
//   - Numeric and duration metrics: Welch's z-test on means (large samples), normal 95% interval.
// "Confidence" is 1 - the two-sided p-value.

export const Z_95 = 1.959963984540054;

/** Standard normal CDF through erfc below (accurate to about 1e-7, ample for confidences shown to 4 places). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc Chebyshev fit, fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** 1 - two-sided p-value of a z statistic. */
export const confidenceOfZ = (z: number) => 1 - 2 * (1 - normalCdf(Math.abs(z)));

export interface Interval {
  lower: number;
  upper: number;
}

/** Wilson score interval of `successes` out of `n` at 95%. */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: centre - half, upper: centre + half };
}

/** Pooled two-proportion z statistic of b against a; null when it is undefined (no data, or 0% / 100% everywhere). */
export function twoProportionZ(a: { n: number; successes: number }, b: { n: number; successes: number }): number | null {
  if (a.n === 0 || b.n === 0) return null;
  const pooled = (a.successes + b.successes) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  if (se === 0) return null;
  return (b.successes / b.n - a.successes / a.n) / se;
}

export interface MeanSample {
  n: number;
  mean: number;
  /** Sample variance (n - 1 denominator); 0 for n < 2. */
  variance: number;
}

/** Sample statistics from count, sum and sum of squares (what SQL aggregates return). */
export function meanSample(n: number, sum: number, sumOfSquares: number): MeanSample {
  if (n === 0) return { n, mean: 0, variance: 0 };
  const mean = sum / n;
  const variance = n < 2 ? 0 : Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
  return { n, mean, variance };
}

/** Welch's z statistic of b's mean against a's; null when undefined. */
export function welchZ(a: MeanSample, b: MeanSample): number | null {
  if (a.n < 2 || b.n < 2) return null;
  const se = Math.sqrt(a.variance / a.n + b.variance / b.n);
  if (se === 0) return null;
  return (b.mean - a.mean) / se;
}

/** Normal 95% interval of a mean. */
export function meanInterval(sample: MeanSample, z = Z_95): Interval | null {
  if (sample.n === 0) return null;
  const half = sample.n < 2 ? 0 : z * Math.sqrt(sample.variance / sample.n);
  return { lower: sample.mean - half, upper: sample.mean + half };
}

/** Relative change of `value` over `baseline`; null when the baseline is 0. */
export const relativeChange = (baseline: number, value: number): number | null =>
  baseline === 0 ? null : (value - baseline) / baseline;
