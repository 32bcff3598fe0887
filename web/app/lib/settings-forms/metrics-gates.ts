// The metrics and canary-gate forms: what each sends and what it refuses before submitting,
// mirroring the API's checks (workers/admin/insights/analytics/metrics.ts and canary-gates.ts) so a
// mistake is named next to its field. The API checks again and has the last word (e.g. a taken key,
// a variant the flag does not have). Pure: the actions and the browser both use them.
import type { Problems } from "../form-problems";
import { checked, str } from "./common";

export const METRIC_TYPES = ["conversion", "numeric", "duration"] as const;
export type MetricTypeName = (typeof METRIC_TYPES)[number];
export const METRIC_TYPE_LABEL: Record<MetricTypeName, string> = {
  conversion: "Conversion (did the user convert: 1 or 0)",
  numeric: "Numeric (a value per event, higher is better)",
  duration: "Duration (a time per event, lower is better)",
};
export const CANARY_DIRECTIONS = ["higher_is_better", "lower_is_better"] as const;

/** Same as the API's METRIC_KEY. */
export const METRIC_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
/** The API's limits (windowMinutes and rollbackInMinutes: at most a week). */
export const GATE_LIMITS = { thresholdPct: 1000, minSampleSize: 1_000_000, windowMinutes: 7 * 24 * 60, rollbackInMinutes: 7 * 24 * 60 } as const;

export interface MetricValues {
  key: string;
  name: string;
  description: string;
  type: string;
  unit: string;
  /** The success criteria as typed (JSON), "" for none. */
  successCriteria: string;
}

export const readMetric = (form: FormData): MetricValues => ({
  key: str(form, "key"), name: str(form, "name"), description: str(form, "description"), type: str(form, "type"),
  unit: str(form, "unit"), successCriteria: str(form, "successCriteria"),
});

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The success criteria as JSON (null when empty), or undefined when they do not parse. */
export function criteriaOf(text: string): unknown {
  if (!text) return null;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

/** `creating`: the key and type are checked too (they are fixed once created). */
export function metricProblems(values: MetricValues, creating: boolean): Problems {
  const problems: Problems = {};
  if (creating) {
    if (!values.key) problems.key = "Give the metric a key: applications send it as `metric` to POST /v1/track.";
    else if (!METRIC_KEY.test(values.key)) problems.key = "The key must be 1-100 characters: letters, digits, '_', '.' or '-', starting with a letter.";
    if (!(METRIC_TYPES as readonly string[]).includes(values.type)) problems.type = "Choose the metric's type.";
  }
  if (!values.name) problems.name = "Name the metric.";
  else if (values.name.length > 200) problems.name = "The name is at most 200 characters.";
  if (values.description.length > 1000) problems.description = "The description is at most 1000 characters.";
  if (values.unit.length > 50) problems.unit = "The unit is at most 50 characters.";
  if (values.successCriteria && criteriaOf(values.successCriteria) === undefined) problems.successCriteria = "The success criteria must be JSON, e.g. {\"minLift\": 0.05}, or empty.";
  return problems;
}

export interface GateValues {
  metricKey: string;
  baselineVariant: string;
  canaryVariant: string;
  direction: string;
  thresholdPct: string;
  minSampleSize: string;
  windowMinutes: string;
  autoRollbackOnFail: boolean;
  rollbackInMinutes: string;
  enabled: boolean;
}

export const readGate = (form: FormData): GateValues => ({
  metricKey: str(form, "metricKey"), baselineVariant: str(form, "baselineVariant"), canaryVariant: str(form, "canaryVariant"),
  direction: str(form, "direction"), thresholdPct: str(form, "thresholdPct"), minSampleSize: str(form, "minSampleSize"),
  windowMinutes: str(form, "windowMinutes"), autoRollbackOnFail: checked(form, "autoRollbackOnFail"),
  rollbackInMinutes: str(form, "rollbackInMinutes"), enabled: checked(form, "enabled"),
});

const isInt = (s: string) => /^\d+$/.test(s);
const intIn = (s: string, max: number) => isInt(s) && Number(s) >= 1 && Number(s) <= max;

/** `creating`: the metric is checked too (a gate's metric is fixed once created). */
export function gateProblems(values: GateValues, creating: boolean): Problems {
  const problems: Problems = {};
  if (creating && !values.metricKey) problems.metricKey = "Choose the metric the gate watches.";
  if (!values.baselineVariant) problems.baselineVariant = "Choose the baseline variant.";
  if (!values.canaryVariant) problems.canaryVariant = "Choose the canary variant.";
  else if (values.canaryVariant === values.baselineVariant) problems.canaryVariant = "The canary variant must differ from the baseline variant.";
  if (!(CANARY_DIRECTIONS as readonly string[]).includes(values.direction)) problems.direction = "Choose whether higher or lower is better.";
  const threshold = Number(values.thresholdPct);
  if (!values.thresholdPct || !Number.isFinite(threshold) || threshold <= 0 || threshold > GATE_LIMITS.thresholdPct) {
    problems.thresholdPct = `The threshold is a percentage above 0 and at most ${GATE_LIMITS.thresholdPct}.`;
  }
  if (!intIn(values.minSampleSize, GATE_LIMITS.minSampleSize)) problems.minSampleSize = `The minimum sample size is a whole number from 1 to ${GATE_LIMITS.minSampleSize.toLocaleString("en")}.`;
  if (!intIn(values.windowMinutes, GATE_LIMITS.windowMinutes)) problems.windowMinutes = `The window is a whole number of minutes from 1 to ${GATE_LIMITS.windowMinutes} (a week).`;
  if (values.rollbackInMinutes && !intIn(values.rollbackInMinutes, GATE_LIMITS.rollbackInMinutes)) {
    problems.rollbackInMinutes = `Release the kill switch after 1 to ${GATE_LIMITS.rollbackInMinutes} minutes, or leave it empty to keep it engaged.`;
  }
  return problems;
}

/** The gate's settings as the API takes them (after gateProblems found nothing). */
export function gateSettings(values: GateValues) {
  return {
    baselineVariant: values.baselineVariant, canaryVariant: values.canaryVariant,
    direction: values.direction as (typeof CANARY_DIRECTIONS)[number], thresholdPct: Number(values.thresholdPct),
    minSampleSize: Number(values.minSampleSize), windowMinutes: Number(values.windowMinutes),
    autoRollbackOnFail: values.autoRollbackOnFail, rollbackInMinutes: values.rollbackInMinutes ? Number(values.rollbackInMinutes) : null,
    enabled: values.enabled,
  };
}
