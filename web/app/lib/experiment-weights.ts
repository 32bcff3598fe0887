// An experiment template's split (defaults.weights): variant keys with shares in percent, sent as
// weights in thousandths of a percent. Mirrors the API: workers/admin/workflow/templates/catalog.ts
// (1 to 50 weights, each an integer 0..100000, variant 1-100 characters) and plan.ts (each variant
// once, the weights summing to exactly 100000 = everyone). The template does not know the feature,
// so the variants are typed; the preview names one the feature lacks.
import { formatPercent, percentToWeight, TOTAL_WEIGHT, totalWeight, weightToPercent, type Allocation } from "./splits";

/** The form fields: one variant key and one share (percent) per row, in order. */
export const WEIGHT_VARIANT_FIELD = "weightVariants";
export const WEIGHT_FIELD = "weights";
export const MAX_WEIGHTS = 50;

export interface WeightRow {
  variant: string;
  /** The share as typed, in percent. */
  percent: string;
}

/** A share in percent with at most three decimals, as a weight; null when it is not one. */
export function parseShare(text: string): number | null {
  const value = Number(text.trim().replace(/%$/, ""));
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 100) return null;
  const weight = percentToWeight(value);
  return Math.abs(weight - value * 1000) < 1e-6 ? weight : null;
}

/** What is wrong with the rows (named by row, as the API names its index), or null. No rows: the API's equal shares. */
export function weightsProblem(rows: readonly WeightRow[]): string | null {
  if (rows.length === 0) return null;
  if (rows.length > MAX_WEIGHTS) return `At most ${MAX_WEIGHTS} variants.`;
  const seen = new Set<string>();
  for (const [index, row] of rows.entries()) {
    const variant = row.variant.trim();
    if (!variant) return `Row ${index + 1}: name the variant.`;
    if (variant.length > 100) return `Row ${index + 1}: the variant key has at most 100 characters.`;
    if (seen.has(variant)) return `Row ${index + 1}: ${variant} is listed twice.`;
    seen.add(variant);
    if (parseShare(row.percent) === null) return `Row ${index + 1}: a share from 0 to 100% with at most three decimals.`;
  }
  const total = totalWeight(toWeights(rows));
  return total === TOTAL_WEIGHT ? null : `The shares sum to ${formatPercent(total)}; they must sum to 100% (everyone).`;
}

/** The rows as the API's weights (call after weightsProblem found nothing). */
export const toWeights = (rows: readonly WeightRow[]): Allocation[] =>
  rows.map((row) => ({ variant: row.variant.trim(), weight: parseShare(row.percent) ?? 0 }));

export const fromWeights = (weights: readonly Allocation[] | undefined): WeightRow[] =>
  (weights ?? []).map((w) => ({ variant: w.variant, percent: String(weightToPercent(w.weight)) }));

/** "Total 70%, 30% left to assign": what the editor announces as the shares change. */
export function remainingText(rows: readonly WeightRow[]): string {
  const total = rows.reduce((sum, row) => sum + (parseShare(row.percent) ?? 0), 0);
  const left = TOTAL_WEIGHT - total;
  if (left === 0) return "Total 100%: everyone is assigned.";
  return left > 0 ? `Total ${formatPercent(total)}, ${formatPercent(left)} left to assign.` : `Total ${formatPercent(total)}, ${formatPercent(-left)} too much.`;
}

/** The rows a submitted form holds (blank rows dropped). */
export function readWeightRows(form: FormData): WeightRow[] {
  const variants = form.getAll(WEIGHT_VARIANT_FIELD).map(String);
  const percents = form.getAll(WEIGHT_FIELD).map(String);
  return variants.map((variant, i) => ({ variant, percent: percents[i] ?? "" })).filter((r) => r.variant.trim() || r.percent.trim());
}

/**
 * The template defaults' part the form holds: { weights } when rows were given, {} for none (equal
 * shares), or the problem under the field name the API's error maps to.
 */
export function readExperimentWeights(form: FormData): { defaults: { weights?: Allocation[] }; problem: string | null } {
  const rows = readWeightRows(form);
  const problem = weightsProblem(rows);
  return { defaults: rows.length && !problem ? { weights: toWeights(rows) } : {}, problem };
}

/** A form check's problems plus the split's own (under WEIGHT_FIELD), for the template form's check before submit. */
export function withWeightsProblem<P extends Record<string, string>>(problems: P, form: FormData): P {
  const problem = readExperimentWeights(form).problem;
  return problem ? { ...problems, [WEIGHT_FIELD]: problem } : problems;
}

/** "control 70% · treatment 30%" for the templates table. */
export const describeWeights = (weights: readonly Allocation[]) => weights.map((w) => `${w.variant} ${formatPercent(w.weight)}`).join(" · ");
