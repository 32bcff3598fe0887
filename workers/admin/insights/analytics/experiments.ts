// experimentResults: compares a feature's variants on team metrics in one environment over a period,
// from the tracked events (POST /v1/track). Members of the feature's team read; the environment must
// belong to the same team (NOT_FOUND otherwise). D1: the feature's team, the environment's team, then
// one batch (metrics, the stage's split rule, per-variant aggregates of every metric).
import type { ServeDocument } from "../../../../engine/types";
import { ANY_TEAM_ROLE, authorizeEntity, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { badInput, notFound } from "../../core/errors";
import { analyzeMetric, type MetricAnalysis, type VariantAggregate } from "./experiment-analysis";
import type { MetricType } from "./metrics";
import { minuteStart, periodWindow, type AnalyticsPeriod } from "./periods";

export interface MetricExperiment extends MetricAnalysis {
  metricKey: string;
  metricType: MetricType;
}

export interface ExperimentResults {
  featureId: string;
  featureKey: string;
  environmentId: string;
  from: Date;
  to: Date;
  /** The configured split the sample-ratio check used (variant -> weight), null when the stage has none. */
  splitWeights: { variant: string; weight: number }[] | null;
  metrics: MetricExperiment[];
}

export const MAX_EXPERIMENT_METRICS = 20;

type D1Client = { $client: D1Database };

/** The first enabled split rule of the feature's stage in the environment, as variant -> weight. */
export function splitWeightsOf(serves: readonly ServeDocument[]): Map<string, number> | null {
  const split = serves.find((s): s is Extract<ServeDocument, { kind: "split" }> => s.kind === "split");
  if (!split) return null;
  const weights = new Map<string, number>();
  for (const a of split.allocations) weights.set(a.variant, (weights.get(a.variant) ?? 0) + a.weight);
  return weights;
}

export async function experimentResults(
  deps: ControlDeps, principal: Principal,
  args: { featureId: string; environmentId: string; metricKeys: string[]; period: AnalyticsPeriod },
): Promise<ExperimentResults> {
  const keys = [...new Set(args.metricKeys)];
  if (keys.length === 0 || keys.length > MAX_EXPERIMENT_METRICS) {
    throw badInput("metricKeys", `metricKeys: give 1 to ${MAX_EXPERIMENT_METRICS} metric keys`);
  }
  const teamId = await authorizeEntity(deps, principal, "feature", args.featureId, ANY_TEAM_ROLE);
  const environmentTeam = await authorizeEntity(deps, principal, "environment", args.environmentId, ANY_TEAM_ROLE);
  if (environmentTeam !== teamId) throw notFound("Environment");
  const now = deps.now();
  const window = periodWindow(args.period, now);
  const from = minuteStart(window.fromMinute);
  const d1 = (deps.db as unknown as D1Client).$client;
  const [featureResult, metricResult, ruleResult, aggregateResult] = await d1.batch([
    d1.prepare("SELECT key FROM features WHERE id = ?1").bind(args.featureId),
    d1.prepare("SELECT id, key, type FROM metrics WHERE team_id = ?1 AND key IN (SELECT value FROM json_each(?2))").bind(teamId, JSON.stringify(keys)),
    d1.prepare(`SELECT r.serve FROM rules r JOIN feature_stages s ON s.id = r.stage_id
      WHERE s.feature_id = ?1 AND s.environment_id = ?2 AND r.enabled = 1 ORDER BY r.priority, r.position`).bind(args.featureId, args.environmentId),
    d1.prepare(`SELECT m.key AS metric_key, e.variant, COUNT(*) AS n, COALESCE(SUM(e.converted), 0) AS conversions,
        SUM(e.value) AS total, SUM(e.value * e.value) AS total_squares
      FROM metric_events e JOIN metrics m ON m.id = e.metric_id JOIN features f ON f.id = ?2
      WHERE m.team_id = ?1 AND m.key IN (SELECT value FROM json_each(?3)) AND e.environment_id = ?4 AND e.flag_key = f.key
        AND e.occurred_at >= ?5 AND e.occurred_at <= ?6
      GROUP BY m.key, e.variant`).bind(teamId, args.featureId, JSON.stringify(keys), args.environmentId, from.getTime(), now.getTime()),
  ]);
  const featureKey = (featureResult!.results[0] as { key: string }).key;
  const metricRows = metricResult!.results as { id: string; key: string; type: MetricType }[];
  const missing = keys.find((key) => !metricRows.some((m) => m.key === key));
  if (missing) throw badInput("metricKeys", `metricKeys: the team has no metric ${missing}`);
  const serves = (ruleResult!.results as { serve: string }[]).map((r) => JSON.parse(r.serve) as ServeDocument);
  const weights = splitWeightsOf(serves);
  const aggregates = aggregateResult!.results as { metric_key: string; variant: string; n: number; conversions: number; total: number; total_squares: number }[];
  return {
    featureId: args.featureId, featureKey, environmentId: args.environmentId, from, to: now,
    splitWeights: weights ? [...weights].map(([variant, weight]) => ({ variant, weight })) : null,
    metrics: keys.map((key) => {
      const metric = metricRows.find((m) => m.key === key)!;
      const mine: VariantAggregate[] = aggregates.filter((a) => a.metric_key === key).map((a) => ({
        variant: a.variant, n: a.n, conversions: a.conversions, sum: a.total, sumOfSquares: a.total_squares,
      }));
      return { metricKey: key, metricType: metric.type, ...analyzeMetric(metric.type, mine, weights) };
    }),
  };
}
