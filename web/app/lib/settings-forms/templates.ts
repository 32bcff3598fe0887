// The rollout template form (workers/admin/workflow/templates/catalog.ts).
import type { Problems } from "../form-problems";
import { strings, str } from "./common";

export const TEMPLATE_TYPES = ["simple_on_off", "canary", "approval_gated_production", "experiment", "kill_switch_guarded"] as const;
export type TemplateTypeName = (typeof TEMPLATE_TYPES)[number];

export interface TemplateDefaultsValues {
  environmentIds?: string[]; variant?: string; safeVariant?: string; percentages?: number[]; intervalMinutes?: number;
  segmentKey?: string; deploy?: boolean;
}

export interface TemplateValues { name: string; description: string; type: TemplateTypeName; defaults: TemplateDefaultsValues; percentagesText: string; intervalText: string }

/** "10, 50, 100" -> [10, 50, 100]; NaN for a word. */
export const parsePercentages = (text: string): number[] => text.split(/[\s,]+/).map((s) => s.replace(/%$/, "")).filter(Boolean).map(Number);

export function readTemplate(form: FormData): TemplateValues {
  const type = str(form, "type") as TemplateTypeName;
  const percentagesText = str(form, "percentages");
  const intervalText = str(form, "intervalMinutes");
  const deploy = str(form, "deploy");
  const defaults: TemplateDefaultsValues = {};
  const environmentIds = strings(form, "environmentIds");
  if (environmentIds.length) defaults.environmentIds = environmentIds;
  for (const key of ["variant", "safeVariant", "segmentKey"] as const) if (str(form, key)) defaults[key] = str(form, key);
  if (percentagesText) defaults.percentages = parsePercentages(percentagesText);
  if (intervalText) defaults.intervalMinutes = Number(intervalText);
  if (deploy === "yes" || deploy === "no") defaults.deploy = deploy === "yes";
  return { name: str(form, "name"), description: str(form, "description"), type: TEMPLATE_TYPES.includes(type) ? type : "canary", defaults, percentagesText, intervalText };
}

export function templateProblems(values: TemplateValues): Problems {
  const problems: Problems = {};
  if (!values.name) problems.name = "Name the template.";
  else if (values.name.length > 100) problems.name = "At most 100 characters.";
  if (values.description.length > 500) problems.description = "At most 500 characters.";
  const steps = values.defaults.percentages;
  if (steps) {
    if (steps.length > 10) problems.percentages = "At most 10 steps.";
    const bad = steps.findIndex((p, i) => !Number.isFinite(p) || p < 0 || p > 100 || (i > 0 && p <= steps[i - 1]!));
    if (bad >= 0) problems.percentages = `Step ${bad + 1}: percentages from 0 to 100, each more than the step before (e.g. 10, 50, 100).`;
  }
  const interval = values.defaults.intervalMinutes;
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 1 || interval > 10_080)) {
    problems.intervalMinutes = "A whole number of minutes from 1 to 10080 (7 days).";
  }
  return problems;
}
