// The services behind the seed's dashboard operations: the evaluationRates, evaluationSummary and
// evaluationDashboard subscriptions (sliding windows of 1-24 hours, pushed by live.ts) and the
// evaluationDashboard / evaluationBreakdown queries (windows up to the rollups' 90 days). Inputs are
// validated first (codes INTERVAL_OUT_OF_RANGE, DURATION_OUT_OF_RANGE, TOO_MANY_BUCKETS), then the
// scope is resolved and authorised (analytics/scope.ts), then the store is read.
import { eq } from "drizzle-orm";
import { environments } from "../../../db/schema";
import type { Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import {
  checkBucketCount, checkInterval, hoursWindow, MAX_QUERY_HOURS, MAX_SUBSCRIPTION_HOURS, readBreakdown, readDashboard,
  readRates, readSummary, type EvaluationDashboard, type EvaluationGroup, type EvaluationSummary, type RateBucket,
} from "./analytics/dashboard";
import type { CountFilter, Dimension } from "./analytics/evaluation-store";
import { livePayloads } from "./analytics/live";
import { resolveAnalyticsScope, type AnalyticsScope } from "./analytics/scope";

export interface AnalyticsInput {
  /** An environment's id or key. */
  environmentId?: string | null;
  teamId?: string | null;
  featureKey?: string | null;
  /** A client credential's id; "" for evaluations whose client is not known. */
  clientId?: string | null;
  intervalMinutes?: number | null;
  durationHours?: number | null;
}

export const DEFAULT_INTERVAL_MINUTES = 5;
export const DEFAULT_DURATION_HOURS = 24;

interface Prepared {
  scope: AnalyticsScope;
  intervalMinutes: number;
  /** The filter of the window ending now (subscriptions call it again for each payload). */
  filter(): CountFilter;
}

async function prepare(deps: ControlDeps, principal: Principal, input: AnalyticsInput, maxHours: number): Promise<Prepared> {
  const intervalMinutes = checkInterval(input.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES, "input.intervalMinutes");
  const hours = input.durationHours ?? DEFAULT_DURATION_HOURS;
  checkBucketCount(hoursWindow(hours, deps.now(), maxHours, "input.durationHours"), intervalMinutes, "input.intervalMinutes");
  const scope = await resolveAnalyticsScope(deps, principal, input, "input.");
  return {
    scope, intervalMinutes,
    filter: () => ({
      scope: scope.filter, window: hoursWindow(hours, deps.now(), maxHours),
      featureKey: input.featureKey ?? null, clientId: input.clientId ?? null,
    }),
  };
}

async function environmentIdsOf(deps: ControlDeps, scope: AnalyticsScope): Promise<string[]> {
  if (scope.environment) return [scope.environment.id];
  const rows = await deps.db.select({ id: environments.id }).from(environments).where(eq(environments.teamId, scope.teamId));
  return rows.map((row) => row.id);
}

export interface SubscribeOptions {
  signal?: AbortSignal;
  /** Overrides ANALYTICS_HEARTBEAT_MS. */
  heartbeatMs?: number;
}

async function live<T>(
  deps: ControlDeps, principal: Principal, input: AnalyticsInput, options: SubscribeOptions,
  compute: (prepared: Prepared) => Promise<T>,
): Promise<AsyncIterableIterator<T>> {
  const prepared = await prepare(deps, principal, input, MAX_SUBSCRIPTION_HOURS);
  return livePayloads(deps, principal, await environmentIdsOf(deps, prepared.scope), () => compute(prepared), {
    heartbeatMs: options.heartbeatMs ?? deps.config.analyticsHeartbeatMs, signal: options.signal,
  });
}

export const subscribeEvaluationRates = (deps: ControlDeps, principal: Principal, input: AnalyticsInput, options: SubscribeOptions = {}) =>
  live<RateBucket[]>(deps, principal, input, options, (p) => readRates(deps, p.filter(), p.intervalMinutes));

export const subscribeEvaluationSummary = (deps: ControlDeps, principal: Principal, input: AnalyticsInput, options: SubscribeOptions = {}) =>
  live<EvaluationSummary>(deps, principal, input, options, (p) => readSummary(deps, p.filter()));

const dashboardOf = (deps: ControlDeps, p: Prepared) => readDashboard(deps, {
  teamId: p.scope.teamId, environment: p.scope.environment, filter: p.filter(), intervalMinutes: p.intervalMinutes,
});

export const subscribeEvaluationDashboard = (deps: ControlDeps, principal: Principal, input: AnalyticsInput, options: SubscribeOptions = {}) =>
  live<EvaluationDashboard>(deps, principal, input, options, (p) => dashboardOf(deps, p));

export async function evaluationDashboard(deps: ControlDeps, principal: Principal, input: AnalyticsInput): Promise<EvaluationDashboard> {
  return dashboardOf(deps, await prepare(deps, principal, input, MAX_QUERY_HOURS));
}

export async function evaluationBreakdown(
  deps: ControlDeps, principal: Principal, input: AnalyticsInput & { by: Dimension },
): Promise<EvaluationGroup[]> {
  const prepared = await prepare(deps, principal, input, MAX_QUERY_HOURS);
  return readBreakdown(deps, prepared.filter(), input.by);
}
