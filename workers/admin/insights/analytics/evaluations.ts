// Evaluation analytics read from the D1 per-minute rollups (workers/evaluation/analytics/rollups.ts). Any member
// of the team owning the environment (or the team) may read; others get NOT_FOUND. Each query is
// one aggregate statement after the ownership lookup (D1 round trips per request: docs/ANALYTICS.md).
import { sql } from "drizzle-orm";
import type { Reason } from "../../../../engine/types";
import { authorizeEntity, ANY_TEAM_ROLE, requireTeamMember, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { badInput, notFound } from "../../core/errors";
import {
  minuteStart, periodWindow, rangeWindow, type AnalyticsPeriod, type MinuteWindow,
} from "./periods";

const REASONS: readonly Reason[] = ["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "ERROR"];

export interface ReasonCount {
  reason: Reason;
  count: number;
}

export interface EvaluationSummary {
  from: Date;
  to: Date;
  totalEvaluations: number;
  /** Evaluations that did not end in ERROR. */
  successfulEvaluations: number;
  /** successfulEvaluations / totalEvaluations; null without evaluations. */
  successRate: number | null;
  byReason: ReasonCount[];
  featuresEvaluated: number;
  /** The flag evaluated most often (ties: alphabetical); null without evaluations. */
  topFeatureKey: string | null;
}

export type SummaryScope = { teamId: string } | { environmentId: string };

/** The window as the API shows it: from the first minute's start to the end of the last. */
const windowBounds = (w: MinuteWindow) => ({ from: minuteStart(w.fromMinute), to: minuteStart(w.toMinute + 1) });

async function authorizeScope(deps: ControlDeps, principal: Principal, scope: Partial<{ teamId: string | null; environmentId: string | null }>) {
  if (scope.environmentId && scope.teamId) throw badInput("teamId", "teamId: give either teamId or environmentId, not both");
  if (scope.environmentId) {
    await authorizeEntity(deps, principal, "environment", scope.environmentId, ANY_TEAM_ROLE);
    return { environmentId: scope.environmentId } as const;
  }
  if (scope.teamId) {
    requireTeamMember(principal, scope.teamId);
    return { teamId: scope.teamId } as const;
  }
  throw badInput("environmentId", "environmentId: give teamId or environmentId");
}

export async function evaluationSummary(
  deps: ControlDeps, principal: Principal,
  args: { teamId?: string | null; environmentId?: string | null; period: AnalyticsPeriod },
): Promise<EvaluationSummary> {
  const scope = await authorizeScope(deps, principal, args);
  const w = periodWindow(args.period, deps.now());
  const where = "environmentId" in scope
    ? sql`r.environment_id = ${scope.environmentId}`
    : sql`r.environment_id IN (SELECT id FROM environments WHERE team_id = ${scope.teamId})`;
  const rows = await deps.db.all<{ flag_key: string; reason: Reason; total: number }>(sql`
    SELECT r.flag_key, r.reason, SUM(r.count) AS total FROM evaluation_rollups r
    WHERE ${where} AND r.minute BETWEEN ${w.fromMinute} AND ${w.toMinute}
    GROUP BY r.flag_key, r.reason`);
  const byReason = new Map<Reason, number>();
  const byFlag = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    total += row.total;
    byReason.set(row.reason, (byReason.get(row.reason) ?? 0) + row.total);
    byFlag.set(row.flag_key, (byFlag.get(row.flag_key) ?? 0) + row.total);
  }
  let topFeatureKey: string | null = null;
  for (const [key, count] of [...byFlag].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (topFeatureKey === null || count > byFlag.get(topFeatureKey)!) topFeatureKey = key;
  }
  const errors = byReason.get("ERROR") ?? 0;
  return {
    ...windowBounds(w),
    totalEvaluations: total,
    successfulEvaluations: total - errors,
    successRate: total === 0 ? null : (total - errors) / total,
    byReason: REASONS.filter((r) => byReason.has(r)).map((reason) => ({ reason, count: byReason.get(reason)! })),
    featuresEvaluated: byFlag.size,
    topFeatureKey,
  };
}

export interface RateBucket {
  bucketStart: Date;
  bucketEnd: Date;
  evaluations: number;
  errors: number;
}

export const MAX_RATE_BUCKETS = 1440;

/**
 * Evaluations per `intervalMinutes` bucket over the period. Buckets are aligned to the Unix epoch
 * (a bucket starts at a minute divisible by the interval: floor(minute / N) * N), so the same
 * bucket means the same time in every query; the first and last may be cut by the period. Empty
 * buckets are included with zeros. (The original's `date_trunc + interval * floor(minute/interval)`
 * did not produce N-minute buckets.)
 */
export async function evaluationRates(
  deps: ControlDeps, principal: Principal,
  args: { environmentId: string; period: AnalyticsPeriod; intervalMinutes: number; featureKey?: string | null },
): Promise<RateBucket[]> {
  const n = args.intervalMinutes;
  if (!Number.isInteger(n) || n < 1 || n > 60) throw badInput("intervalMinutes", "intervalMinutes: must be an integer from 1 to 60");
  await authorizeEntity(deps, principal, "environment", args.environmentId, ANY_TEAM_ROLE);
  const w = periodWindow(args.period, deps.now());
  const first = Math.floor(w.fromMinute / n) * n;
  const last = Math.floor(w.toMinute / n) * n;
  const bucketCount = (last - first) / n + 1;
  if (bucketCount > MAX_RATE_BUCKETS) {
    throw badInput("intervalMinutes", `intervalMinutes: the period would have ${bucketCount} buckets (at most ${MAX_RATE_BUCKETS}); choose a larger interval`);
  }
  const flagFilter = args.featureKey ? sql`AND flag_key = ${args.featureKey}` : sql``;
  const rows = await deps.db.all<{ bucket: number; total: number; errors: number }>(sql`
    SELECT (minute / ${sql.raw(String(n))}) * ${sql.raw(String(n))} AS bucket, SUM(count) AS total,
           SUM(CASE WHEN reason = 'ERROR' THEN count ELSE 0 END) AS errors
    FROM evaluation_rollups
    WHERE environment_id = ${args.environmentId} AND minute BETWEEN ${w.fromMinute} AND ${w.toMinute} ${flagFilter}
    GROUP BY bucket`);
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  const buckets: RateBucket[] = [];
  for (let start = first; start <= last; start += n) {
    const row = byBucket.get(start);
    buckets.push({
      bucketStart: minuteStart(Math.max(start, w.fromMinute)),
      bucketEnd: minuteStart(Math.min(start + n, w.toMinute + 1)),
      evaluations: row?.total ?? 0,
      errors: row?.errors ?? 0,
    });
  }
  return buckets;
}

export interface FeatureEvaluationTotals {
  featureKey: string;
  /** The team's feature with this key today (null: deleted or renamed since). */
  featureId: string | null;
  evaluations: number;
  errors: number;
  /** Start of the last minute with an evaluation in the range (minute precision). */
  lastEvaluatedAt: Date;
}

export async function evaluationsByFeature(
  deps: ControlDeps, principal: Principal, args: { environmentId: string; from: Date; to?: Date | null },
): Promise<{ from: Date; to: Date; features: FeatureEvaluationTotals[] }> {
  const teamId = await authorizeEntity(deps, principal, "environment", args.environmentId, ANY_TEAM_ROLE);
  const w = rangeWindow(args.from, args.to ?? deps.now());
  const rows = await deps.db.all<{ flag_key: string; feature_id: string | null; total: number; errors: number; last_minute: number }>(sql`
    SELECT r.flag_key, f.id AS feature_id, SUM(r.count) AS total,
           SUM(CASE WHEN r.reason = 'ERROR' THEN r.count ELSE 0 END) AS errors, MAX(r.minute) AS last_minute
    FROM evaluation_rollups r LEFT JOIN features f ON f.team_id = ${teamId} AND f.key = r.flag_key
    WHERE r.environment_id = ${args.environmentId} AND r.minute BETWEEN ${w.fromMinute} AND ${w.toMinute}
    GROUP BY r.flag_key ORDER BY total DESC, r.flag_key`);
  return {
    from: args.from, to: args.to ?? deps.now(),
    features: rows.map((r) => ({
      featureKey: r.flag_key, featureId: r.feature_id, evaluations: r.total, errors: r.errors, lastEvaluatedAt: minuteStart(r.last_minute),
    })),
  };
}

export interface VariantCount {
  variant: string | null;
  reason: Reason;
  count: number;
}

export interface FeatureEvaluations {
  environmentId: string;
  from: Date;
  to: Date;
  total: number;
  byVariant: VariantCount[];
  lastEvaluatedAt: Date | null;
}

export interface FeatureEvaluationsKey {
  feature: { id: string; key: string; teamId: string };
  environmentId: string;
  period: AnalyticsPeriod;
}

/**
 * Feature.evaluations for many features at once (the DataLoader's batch): per distinct environment
 * and period one statement, plus one to check that the environments belong to the features' teams.
 * A feature asked about an environment of another team gets NOT_FOUND (as an Error value).
 */
export async function featureEvaluationsBatch(
  deps: ControlDeps, keys: readonly FeatureEvaluationsKey[],
): Promise<(FeatureEvaluations | Error)[]> {
  const now = deps.now();
  const environmentIds = [...new Set(keys.map((k) => k.environmentId))];
  const groups = new Map<string, FeatureEvaluationsKey[]>();
  for (const key of keys) {
    const group = `${key.environmentId}|${key.period}`;
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  // Raw D1 statements: drizzle's raw queries cannot join a batch on D1.
  const d1 = (deps.db as typeof deps.db & { $client: D1Database }).$client;
  const groupList = [...groups.values()];
  const windows = groupList.map((group) => periodWindow(group[0]!.period, now));
  const statements = [
    d1.prepare("SELECT id, team_id FROM environments WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(environmentIds)),
    ...groupList.map((group, i) => d1.prepare(`
      SELECT flag_key, variant, reason, SUM(count) AS total, MAX(minute) AS last_minute FROM evaluation_rollups
      WHERE environment_id = ?1 AND minute BETWEEN ?2 AND ?3 AND flag_key IN (SELECT value FROM json_each(?4))
      GROUP BY flag_key, variant, reason ORDER BY flag_key, variant, reason`)
      .bind(group[0]!.environmentId, windows[i]!.fromMinute, windows[i]!.toMinute, JSON.stringify([...new Set(group.map((k) => k.feature.key))]))),
  ];
  const [envResult, ...groupResults] = await d1.batch(statements);
  const teamOfEnvironment = new Map((envResult!.results as { id: string; team_id: string }[]).map((r) => [r.id, r.team_id]));
  const results = new Map<FeatureEvaluationsKey, FeatureEvaluations | Error>();
  groupList.forEach((group, i) => {
    const rows = groupResults[i]!.results as { flag_key: string; variant: string; reason: Reason; total: number; last_minute: number }[];
    for (const key of group) {
      if (teamOfEnvironment.get(key.environmentId) !== key.feature.teamId) {
        results.set(key, notFound("Environment"));
        continue;
      }
      const mine = rows.filter((r) => r.flag_key === key.feature.key);
      results.set(key, {
        environmentId: key.environmentId, ...windowBounds(windows[i]!),
        total: mine.reduce((sum, r) => sum + r.total, 0),
        byVariant: mine.map((r) => ({ variant: r.variant === "" ? null : r.variant, reason: r.reason, count: r.total })),
        lastEvaluatedAt: mine.length === 0 ? null : minuteStart(Math.max(...mine.map((r) => r.last_minute))),
      });
    }
  });
  return keys.map((key) => results.get(key)!);
}
