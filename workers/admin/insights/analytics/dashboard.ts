// The evaluation analytics answers, computed from an evaluation store's grouped totals and
// buckets (evaluation-store.ts), so the D1 rollups and Analytics Engine answer alike:
// - a summary: total, successful (reason not ERROR), cached (answered from the in-memory
//   snapshot), their rates, per-reason counts, the top feature;
// - rates: totals per epoch-aligned N-minute bucket, empty buckets included;
// - breakdowns by feature, environment, client, variant or reason;
// - the dashboard: all of them in one payload (one store read).
import { REASONS } from "../../../evaluation/analytics/counts";
import type { ControlDeps } from "../../core/deps";
import { ControlError } from "../../core/errors";
import type {
  BucketTotals, CountAnswer, CountFilter, Dimension, GroupTotals, Totals,
} from "./evaluation-store";
import { minuteOf, minuteStart, type MinuteWindow } from "./periods";
import type { ScopedEnvironment } from "./scope";

export const MAX_RATE_BUCKETS = 1440;
/** Subscriptions cover up to a day (the seed's 1-24 hours); queries up to the rollups' retention. */
export const MAX_SUBSCRIPTION_HOURS = 24;
export const MAX_QUERY_HOURS = 90 * 24;
export const TOP_FEATURES = 5;

const outOfRange = (field: string, reason: string, message: string) =>
  new ControlError("BAD_USER_INPUT", `${field}: ${message}`, { field, reason });

/** The longest bucket: a day, so a 90-day window fits in 91 buckets (the rollups keep minutes, any size sums them). */
export const MAX_INTERVAL_MINUTES = 1440;

/** 1-60 minutes, or whole hours up to a day (coarser buckets for windows of weeks). */
export function checkInterval(intervalMinutes: number, field = "intervalMinutes"): number {
  const minutes = Number.isInteger(intervalMinutes) && intervalMinutes >= 1 && intervalMinutes <= 60;
  const hours = Number.isInteger(intervalMinutes) && intervalMinutes > 60 && intervalMinutes <= MAX_INTERVAL_MINUTES && intervalMinutes % 60 === 0;
  if (!minutes && !hours) {
    throw outOfRange(field, "INTERVAL_OUT_OF_RANGE",
      `must be 1 to 60 minutes or a whole number of hours up to ${MAX_INTERVAL_MINUTES} minutes (a day), not ${intervalMinutes}`);
  }
  return intervalMinutes;
}

/** The `durationHours` hours ending with the current minute. */
export function hoursWindow(durationHours: number, now: Date, maxHours: number, field = "durationHours"): MinuteWindow {
  if (!Number.isInteger(durationHours) || durationHours < 1 || durationHours > maxHours) {
    const longer = maxHours === MAX_SUBSCRIPTION_HOURS ? " (longer windows: the evaluationDashboard and evaluationRates queries)" : "";
    throw outOfRange(field, "DURATION_OUT_OF_RANGE", `must be an integer from 1 to ${maxHours}, not ${durationHours}${longer}`);
  }
  const toMinute = minuteOf(now);
  return { fromMinute: toMinute - durationHours * 60 + 1, toMinute };
}

const rate = (part: number, total: number) => (total === 0 ? null : part / total);

export interface ReasonCount { reason: string; count: number }

export interface EvaluationSummary {
  from: Date;
  to: Date;
  generatedAt: Date;
  totalEvaluations: number;
  /** Evaluations that did not end in ERROR. */
  successfulEvaluations: number;
  /** successfulEvaluations / totalEvaluations; null without evaluations. */
  successRate: number | null;
  /** Evaluations answered from the evaluator's in-memory snapshot. */
  cachedEvaluations: number;
  /** cachedEvaluations / totalEvaluations; null without evaluations. */
  cacheHitRate: number | null;
  byReason: ReasonCount[];
  featuresEvaluated: number;
  /** The flag evaluated most often (ties: alphabetical); null without evaluations. */
  topFeatureKey: string | null;
}

export interface RateBucket {
  bucketStart: Date;
  bucketEnd: Date;
  evaluations: number;
  errors: number;
  cacheHits: number;
}

export interface EvaluationGroup extends Totals {
  dimension: Dimension;
  /** The value grouped by; null for evaluations without a variant or with an unknown client. */
  key: string | null;
  /** The environment's key, the client's name (null for other dimensions, or when deleted). */
  label: string | null;
  /** Share of the window's evaluations (0..1). */
  share: number;
  lastEvaluatedAt: Date;
}

export interface EvaluationDashboard {
  generatedAt: Date;
  from: Date;
  to: Date;
  teamId: string;
  environment: ScopedEnvironment | null;
  intervalMinutes: number;
  summary: EvaluationSummary;
  rates: RateBucket[];
  topFeatures: EvaluationGroup[];
  distributions: Record<Dimension, EvaluationGroup[]>;
}

/** The window as the API shows it: from the first minute's start to the end of the last. */
export const windowBounds = (w: MinuteWindow) => ({ from: minuteStart(w.fromMinute), to: minuteStart(w.toMinute + 1) });

export function summaryOf(answer: CountAnswer, window: MinuteWindow, now: Date): EvaluationSummary {
  const reasons = answer.groups.reason ?? [];
  const features = answer.groups.feature ?? [];
  const sum = (pick: (row: GroupTotals) => number) => reasons.reduce((total, row) => total + pick(row), 0);
  const total = sum((row) => row.evaluations);
  const errors = sum((row) => row.errors);
  const cached = sum((row) => row.cacheHits);
  const order = (reason: string) => (REASONS as readonly string[]).indexOf(reason) >>> 0;
  let top: GroupTotals | null = null;
  for (const row of features) if (!top || row.evaluations > top.evaluations || (row.evaluations === top.evaluations && row.key < top.key)) top = row;
  return {
    ...windowBounds(window),
    generatedAt: now,
    totalEvaluations: total,
    successfulEvaluations: total - errors,
    successRate: rate(total - errors, total),
    cachedEvaluations: cached,
    cacheHitRate: rate(cached, total),
    byReason: reasons.filter((row) => row.evaluations > 0)
      .sort((a, b) => order(a.key) - order(b.key) || (a.key < b.key ? -1 : 1))
      .map((row) => ({ reason: row.key, count: row.evaluations })),
    featuresEvaluated: features.filter((row) => row.evaluations > 0).length,
    topFeatureKey: top?.key ?? null,
  };
}

/** The window's buckets (epoch-aligned; first and last cut by the window; empty ones zero). */
export function bucketsOf(rows: readonly BucketTotals[], window: MinuteWindow, n: number): RateBucket[] {
  const first = Math.floor(window.fromMinute / n) * n;
  const last = Math.floor(window.toMinute / n) * n;
  const byBucket = new Map(rows.map((row) => [row.bucket, row]));
  const buckets: RateBucket[] = [];
  for (let start = first; start <= last; start += n) {
    const row = byBucket.get(start);
    buckets.push({
      bucketStart: minuteStart(Math.max(start, window.fromMinute)),
      bucketEnd: minuteStart(Math.min(start + n, window.toMinute + 1)),
      evaluations: row?.evaluations ?? 0, errors: row?.errors ?? 0, cacheHits: row?.cacheHits ?? 0,
    });
  }
  return buckets;
}

export function checkBucketCount(window: MinuteWindow, n: number, field = "intervalMinutes"): void {
  const count = (Math.floor(window.toMinute / n) - Math.floor(window.fromMinute / n)) + 1;
  if (count > MAX_RATE_BUCKETS) {
    throw outOfRange(field, "TOO_MANY_BUCKETS", `the window would have ${count} buckets (at most ${MAX_RATE_BUCKETS}); choose a larger interval`);
  }
}

/** Readable names of the environments and clients in the groups (one D1 batch). */
async function labelsOf(deps: ControlDeps, groups: CountAnswer["groups"]): Promise<Map<string, string>> {
  const environmentIds = (groups.environment ?? []).map((row) => row.key);
  const clientIds = (groups.client ?? []).map((row) => row.key).filter((id) => id !== "");
  if (environmentIds.length === 0 && clientIds.length === 0) return new Map();
  const d1 = (deps.db as typeof deps.db & { $client: D1Database }).$client;
  const [environments, clients] = await d1.batch<{ id: string; label: string }>([
    d1.prepare("SELECT id, key AS label FROM environments WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(environmentIds)),
    d1.prepare("SELECT id, name AS label FROM clients WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(clientIds)),
  ]);
  return new Map([...environments!.results, ...clients!.results].map((row) => [row.id, row.label]));
}

function groupsOf(dimension: Dimension, rows: readonly GroupTotals[], total: number, labels: Map<string, string>): EvaluationGroup[] {
  const labelled = dimension === "environment" || dimension === "client";
  return rows.filter((row) => row.evaluations > 0).map((row) => ({
    dimension,
    key: row.key === "" && (dimension === "variant" || dimension === "client") ? null : row.key,
    label: labelled ? labels.get(row.key) ?? null : null,
    evaluations: row.evaluations, errors: row.errors, cacheHits: row.cacheHits,
    share: total === 0 ? 0 : row.evaluations / total,
    lastEvaluatedAt: minuteStart(row.lastMinute),
  }));
}

export interface DashboardRequest {
  teamId: string;
  environment: ScopedEnvironment | null;
  filter: CountFilter;
  intervalMinutes: number;
  dimensions?: readonly Dimension[];
}

const ALL_DIMENSIONS: readonly Dimension[] = ["feature", "environment", "client", "variant", "reason"];

/** Summary, rates, top features and distributions from one store read (plus one label lookup). */
export async function readDashboard(deps: ControlDeps, request: DashboardRequest): Promise<EvaluationDashboard> {
  const now = deps.now();
  const { filter, intervalMinutes } = request;
  checkBucketCount(filter.window, intervalMinutes);
  const answer = await deps.evaluationStore().read(filter, { groups: ALL_DIMENSIONS, intervalMinutes });
  const summary = summaryOf(answer, filter.window, now);
  const labels = await labelsOf(deps, answer.groups);
  const distributions = Object.fromEntries(ALL_DIMENSIONS.map((dimension) =>
    [dimension, groupsOf(dimension, answer.groups[dimension] ?? [], summary.totalEvaluations, labels)])) as Record<Dimension, EvaluationGroup[]>;
  return {
    generatedAt: now, ...windowBounds(filter.window), teamId: request.teamId, environment: request.environment,
    intervalMinutes, summary,
    rates: bucketsOf(answer.buckets, filter.window, intervalMinutes),
    topFeatures: distributions.feature.slice(0, TOP_FEATURES),
    distributions,
  };
}

export async function readSummary(deps: ControlDeps, filter: CountFilter): Promise<EvaluationSummary> {
  const answer = await deps.evaluationStore().read(filter, { groups: ["reason", "feature"] });
  return summaryOf(answer, filter.window, deps.now());
}

export async function readRates(deps: ControlDeps, filter: CountFilter, intervalMinutes: number): Promise<RateBucket[]> {
  checkBucketCount(filter.window, intervalMinutes);
  const answer = await deps.evaluationStore().read(filter, { intervalMinutes });
  return bucketsOf(answer.buckets, filter.window, intervalMinutes);
}

export async function readBreakdown(deps: ControlDeps, filter: CountFilter, dimension: Dimension): Promise<EvaluationGroup[]> {
  const answer = await deps.evaluationStore().read(filter, { groups: [dimension] });
  const rows = answer.groups[dimension] ?? [];
  const total = rows.reduce((sum, row) => sum + row.evaluations, 0);
  return groupsOf(dimension, rows, total, await labelsOf(deps, answer.groups));
}
