// Weighted splits: the API stores weights in thousandths of a percent (0.001% granularity,
// total 100000 = 100%); the editor shows percentages with up to three decimals.
export const TOTAL_WEIGHT = 100_000;

export interface Allocation {
  variant: string;
  weight: number;
}

export const percentToWeight = (percent: number) => Math.round(percent * 1000);
export const weightToPercent = (weight: number) => weight / 1000;

export const totalWeight = (allocations: readonly Allocation[]) => allocations.reduce((sum, a) => sum + a.weight, 0);

/** Equal shares of 100%; the remainder thousandths go to the first allocations, so the sum is exact. */
export function distributeEvenly(variants: readonly string[]): Allocation[] {
  if (variants.length === 0) return [];
  const base = Math.floor(TOTAL_WEIGHT / variants.length);
  const remainder = TOTAL_WEIGHT - base * variants.length;
  return variants.map((variant, i) => ({ variant, weight: base + (i < remainder ? 1 : 0) }));
}

/** Why the split cannot be saved, or null. The console requires exactly 100% so no user falls through unnoticed. */
export function splitProblem(allocations: readonly Allocation[]): string | null {
  if (allocations.length < 2) return "A split needs at least two variants.";
  if (allocations.some((a) => !Number.isInteger(a.weight) || a.weight < 0)) return "Each share must be 0% or more, with at most three decimals.";
  if (new Set(allocations.map((a) => a.variant)).size !== allocations.length) return "Each variant may appear once.";
  const total = totalWeight(allocations);
  if (total !== TOTAL_WEIGHT) return `The shares sum to ${formatPercent(total)}; they must sum to 100%.`;
  return null;
}

export const formatPercent = (weight: number) => `${Number((weight / 1000).toFixed(3))}%`;

/** A rollout percentage (0..100, three decimals), or null when the text is not one. */
export function parseRollout(text: string): number | null {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 100) return null;
  return Math.round(value * 1000) / 1000;
}

/** What a rule serves, in words: "on", "10% get on", "split a 70% · b 30%" (for previews, not JSON). */
export function describeServe(serve: unknown): string {
  const spec = (serve ?? {}) as { kind?: string; variant?: string | null; percentage?: number | null; allocations?: Allocation[] | null };
  if (spec.kind === "rollout") return `${Number((spec.percentage ?? 0).toFixed(3))}% get ${spec.variant ?? "the default"}`;
  if (spec.kind === "split") return `split ${(spec.allocations ?? []).map((a) => `${a.variant} ${formatPercent(a.weight)}`).join(" · ")}`;
  if (spec.kind === "variant") return `serves ${spec.variant ?? "the default"}`;
  return spec.kind ?? "nothing";
}
