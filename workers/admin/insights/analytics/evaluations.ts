// The evaluation analytics queries. Any member of the team owning the environment (or the team) may
// read; others get NOT_FOUND. evaluationSummary and evaluationRates read the configured evaluation
// store (D1 rollups or Analytics Engine: dashboard.ts); evaluationsByFeature and Feature.evaluations
// read the D1 rollups directly (they join the features table). Each query is one store read after
// the ownership lookup (D1 round trips per request: docs/ANALYTICS.md).
import { sql } from "drizzle-orm";
import type { Reason } from "../../../../engine/types";
import { authorizeEntity, ANY_TEAM_ROLE, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { badInput, notFound } from "../../core/errors";
import { checkInterval, readRates, readSummary, windowBounds, type EvaluationSummary, type RateBucket } from "./dashboard";
import {
  minuteStart, periodWindow, rangeWindow, type AnalyticsPeriod,
} from "./periods";
import { resolveAnalyticsScope } from "./scope";

export type { EvaluationSummary, RateBucket } from "./dashboard";
export { MAX_RATE_BUCKETS } from "./dashboard";

/** Filters the queries share: a feature key, a client id ("" = unknown client). */
export interface CountFilters {
  featureKey?: string | null;
  clientId?: string | null;
}

/** Totals of a team (all its environments) or of one environment (an id or key) over the period. */
export async function evaluationSummary(
  deps: ControlDeps, principal: Principal,
  args: { teamId?: string | null; environmentId?: string | null; period: AnalyticsPeriod } & CountFilters,
): Promise<EvaluationSummary> {
  if (!args.environmentId && !args.teamId) throw badInput("environmentId", "environmentId: give teamId or environmentId");
  const scope = await resolveAnalyticsScope(deps, principal, args);
  const window = periodWindow(args.period, deps.now());
  return readSummary(deps, { scope: scope.filter, window, featureKey: args.featureKey, clientId: args.clientId });
}

/**
 * Evaluations per `intervalMinutes` bucket over the period. Buckets are aligned to the Unix epoch
 * (a bucket starts at a minute divisible by the interval: floor(minute / N) * N), so the same
 * bucket means the same time in every query; the first and last may be cut by the period. Empty
 * buckets are included with zeros. (The original's `date_trunc + interval * floor(minute/interval)`
 * did not produce N-minute buckets.)
 */
export async function evaluationRates(
  deps: ControlDeps, principal: Principal,
  args: { environmentId: string; period: AnalyticsPeriod; intervalMinutes: number } & CountFilters,
): Promise<RateBucket[]> {
  const n = checkInterval(args.intervalMinutes);
  const scope = await resolveAnalyticsScope(deps, principal, { environmentId: args.environmentId });
  const window = periodWindow(args.period, deps.now());
  return readRates(deps, { scope: scope.filter, window, featureKey: args.featureKey, clientId: args.clientId }, n);
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
