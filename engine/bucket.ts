// Bucketing: a (salt, bucketing value) pair maps to an integer in [0, BUCKET_COUNT), i.e. 0.001%
// granularity. Same formula as flagd's `fractional` with a total weight of 100000.
import { type HashPrefix, murmur3Concat, murmur3WithPrefix } from "./murmur3.ts";

export const BUCKET_COUNT = 100_000;

/** floor(hash * 100000 / 2^32); exact in doubles because the product stays below 2^53. */
export function bucketOfHash(hash: number): number {
  return Math.floor((hash * BUCKET_COUNT) / 4294967296);
}

/** The bucket of `bucketingValue` for a feature with this salt. */
export function bucketOf(salt: string, bucketingValue: string): number {
  return bucketOfHash(murmur3Concat(salt, bucketingValue));
}

/** The same bucket from the salt's precomputed hash prefix (the evaluator's hot path). */
export function bucketOfPrefixed(salt: HashPrefix, bucketingValue: string): number {
  return bucketOfHash(murmur3WithPrefix(salt, bucketingValue));
}

/**
 * The hash bound of a bucket bound: bucketOfHash(h) < end exactly when h < hashBound(end), so the
 * evaluator compares raw hashes with bounds computed at compile time. ceil(end * 2^32 / 100000):
 * the numerator is an exact integer below 2^53, and a non-integer quotient is at least 1e-5 from
 * the next integer while the division's rounding error stays below 2^-19, so floor() is exact.
 */
export function hashBound(end: number): number {
  return Math.floor((end * 4294967296 + (BUCKET_COUNT - 1)) / BUCKET_COUNT);
}

/** Rollout percentage (0..100, three decimals) -> exclusive bucket threshold. */
export function rolloutThreshold(percentage: number): number {
  if (!Number.isFinite(percentage) || percentage <= 0) return 0;
  if (percentage >= 100) return BUCKET_COUNT;
  return Math.round(percentage * 1000);
}
