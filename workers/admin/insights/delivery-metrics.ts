// Read-only delivery metrics of a team (how fast features ship and approvals are decided) and the
// impact preview of changing one feature (per environment: protection, freezes, clients, dependents,
// a risk level). Each answers in a fixed number of D1 round trips: rows are fetched in one batch
// and aggregated in memory.
//
// Time windows are half-open and end at `now` (the caller's `now`, default the clock):
//   this week = [now - 7 days, now), last week = [now - 14 days, now - 7 days),
//   the approval window = [now - 30 days, now).
// A deploy is an audit_log row `stage.deploy` (written by the stage workflow whenever a stage
// becomes DEPLOYED, directly or by an applied request); a feature counts once per week however many
// of its environments were deployed.
// Approvals: a request is DECIDED when approved, applied or rejected (cancelled and invalidated ones
// were withdrawn, not decided); its decision time is `decided_at` (for an applied request, when it
// was applied). It is PENDING at `now` when created before `now` and not closed by then.
// Time in pipeline: a feature COMPLETES its pipeline when its last stage (the highest position among
// its stages) becomes DEPLOYED (audit stage.deploy); over the features whose last stage was first
// deployed in the 30-day window, the mean hours from the feature's first deploy request or deploy in
// any of its environments (audit stage.request_deploy or stage.deploy, looked up to a year back) to
// that completion. A feature with one environment completes at its first deploy there (0 hours if
// deployed directly, the approval wait if requested).
import { and, eq, gt, gte, inArray, lt, lte, or, sql, isNull } from "drizzle-orm";
import {
  approvalPolicies, approvalRequests, auditLog, clients, environments, features, featureStages, freezeWindows, prerequisites,
  LIVE_STAGE_STATUSES, type StageStatus,
} from "../../../db/schema";
import type { EnvironmentType } from "../../../engine/types";
import { ANY_TEAM_ROLE, authorizeEntity, requireTeamRole, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { badInput, notFound } from "../core/errors";
import { applicablePolicy, freezeCovers, freezeMayBeActive } from "../governance/governance";
import { walkDependents } from "./insights";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const DECIDED = new Set(["approved", "auto_approved", "applied", "rejected"]);
const APPROVED = new Set(["approved", "auto_approved", "applied"]);

const round2 = (value: number) => Math.round(value * 100) / 100;
const average = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

export interface Bottleneck {
  environmentId: string;
  environmentKey: string;
  /** Mean wait of its requests in the approval window, hours (2 decimals). */
  averageWaitHours: number;
  requests: number;
}

export interface RolloutMetrics {
  teamId: string;
  now: Date;
  featuresDeployedThisWeek: number;
  featuresDeployedLastWeek: number;
  /** Percent change this week vs last week (2 decimals); null when last week is 0. */
  deploymentChange: number | null;
  /** Percent of the requests decided in the window that were approved (2 decimals); null when none. */
  approvalRate: number | null;
  /** Mean hours from request to decision over the requests decided in the window; null when none. */
  averageApprovalHours: number | null;
  totalPendingApprovals: number;
  bottleneckEnvironment: Bottleneck | null;
  /** Mean hours from first deploy request to last-stage deploy over features completed in the window; null when none. */
  averageTimeInPipeline: number | null;
  /** Features whose last stage was first deployed in the window (the features averaged). */
  pipelineCompletions: number;
}

export interface PipelineEvent {
  featureId: string;
  /** The stage's position in the feature's pipeline. */
  position: number;
  action: string;
  at: Date;
}

/** Pure: averageTimeInPipeline and pipelineCompletions of `events` as of `now` (see the header). */
export function pipelineFigures(events: readonly PipelineEvent[], lastPositions: ReadonlyMap<string, number>, now: Date) {
  const end = now.getTime();
  const start = end - 30 * DAY_MS;
  const byFeature = new Map<string, PipelineEvent[]>();
  for (const event of events) byFeature.set(event.featureId, [...(byFeature.get(event.featureId) ?? []), event]);
  const durations: number[] = [];
  for (const [featureId, list] of byFeature) {
    const last = lastPositions.get(featureId);
    const inWindow = list.filter((e) => e.action === "stage.deploy" && e.position === last && e.at.getTime() >= start && e.at.getTime() < end)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const completion = inWindow[0];
    if (!completion) continue;
    const first = Math.min(...list.filter((e) => e.at.getTime() <= completion.at.getTime()).map((e) => e.at.getTime()));
    durations.push(completion.at.getTime() - first);
  }
  return {
    averageTimeInPipeline: durations.length ? round2(average(durations) / HOUR_MS) : null,
    pipelineCompletions: durations.length,
  };
}

interface RequestTimes {
  environmentId: string;
  status: string;
  createdAt: Date;
  decidedAt: Date | null;
}

/** Pure: the approval figures of `rows` as of `now` (see the header for the definitions). */
export function approvalFigures(rows: readonly RequestTimes[], now: Date, environmentKeys: ReadonlyMap<string, string>) {
  const end = now.getTime();
  const start = end - 30 * DAY_MS;
  const closedBy = (row: RequestTimes) => row.decidedAt !== null && row.decidedAt.getTime() <= end;
  const decided = rows.filter((row) => DECIDED.has(row.status) && closedBy(row) && row.decidedAt!.getTime() >= start);
  const pending = rows.filter((row) => row.createdAt.getTime() <= end && !closedBy(row));
  // Waits per environment: requests created in the window, decided (until the decision) or still pending (until now).
  const waits = new Map<string, number[]>();
  for (const row of rows) {
    const created = row.createdAt.getTime();
    if (created < start || created > end) continue;
    const waitedUntil = !closedBy(row) ? end : DECIDED.has(row.status) ? row.decidedAt!.getTime() : null;
    if (waitedUntil === null) continue;
    waits.set(row.environmentId, [...(waits.get(row.environmentId) ?? []), waitedUntil - created]);
  }
  let bottleneck: Bottleneck | null = null;
  for (const [environmentId, values] of waits) {
    const hours = round2(average(values) / HOUR_MS);
    const environmentKey = environmentKeys.get(environmentId) ?? environmentId;
    if (!bottleneck || hours > bottleneck.averageWaitHours || (hours === bottleneck.averageWaitHours && environmentKey < bottleneck.environmentKey)) {
      bottleneck = { environmentId, environmentKey, averageWaitHours: hours, requests: values.length };
    }
  }
  return {
    approvalRate: decided.length ? round2((100 * decided.filter((r) => APPROVED.has(r.status)).length) / decided.length) : null,
    averageApprovalHours: decided.length ? round2(average(decided.map((r) => r.decidedAt!.getTime() - r.createdAt.getTime())) / HOUR_MS) : null,
    totalPendingApprovals: pending.length,
    bottleneckEnvironment: bottleneck,
  };
}

/** Team members only. D1 round trips: the team check, then one batch. */
export async function rolloutMetrics(deps: ControlDeps, principal: Principal, teamId: string, at?: Date | null): Promise<RolloutMetrics> {
  await authorizeEntity(deps, principal, "team", teamId, ANY_TEAM_ROLE);
  const { db } = deps;
  const now = at ?? deps.now();
  const weekStart = new Date(now.getTime() - 7 * DAY_MS);
  const twoWeeksAgo = new Date(now.getTime() - 14 * DAY_MS);
  const windowStart = new Date(now.getTime() - 30 * DAY_MS);
  const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
  const [deploys, requests, environmentRows, pipelineEvents, lastStages] = await db.batch([
    db.select({ at: auditLog.createdAt, featureId: sql<string>`COALESCE(${featureStages.featureId}, ${auditLog.entityId})` })
      .from(auditLog).leftJoin(featureStages, eq(featureStages.id, auditLog.entityId))
      .where(and(eq(auditLog.teamId, teamId), eq(auditLog.action, "stage.deploy"), gte(auditLog.createdAt, twoWeeksAgo), lt(auditLog.createdAt, now))),
    // Every request that may count: created in the window, decided in it, or open at `now`.
    db.select({
      environmentId: approvalRequests.environmentId, status: approvalRequests.status,
      createdAt: approvalRequests.createdAt, decidedAt: approvalRequests.decidedAt,
    }).from(approvalRequests).where(and(
      eq(approvalRequests.teamId, teamId), lte(approvalRequests.createdAt, now),
      or(isNull(approvalRequests.decidedAt), gte(approvalRequests.decidedAt, windowStart), gte(approvalRequests.createdAt, windowStart)),
    )),
    db.select({ id: environments.id, key: environments.key }).from(environments).where(eq(environments.teamId, teamId)),
    db.select({ featureId: featureStages.featureId, position: featureStages.position, action: auditLog.action, at: auditLog.createdAt })
      .from(auditLog).innerJoin(featureStages, eq(featureStages.id, auditLog.entityId))
      .where(and(
        eq(auditLog.teamId, teamId), inArray(auditLog.action, ["stage.deploy", "stage.request_deploy"]),
        gte(auditLog.createdAt, yearAgo), lt(auditLog.createdAt, now),
      )),
    db.select({ featureId: featureStages.featureId, last: sql<number>`MAX(${featureStages.position})` }).from(featureStages)
      .innerJoin(features, eq(features.id, featureStages.featureId)).where(eq(features.teamId, teamId)).groupBy(featureStages.featureId),
  ]);
  const distinct = (from: Date, to: Date) =>
    new Set(deploys.filter((d) => d.at.getTime() >= from.getTime() && d.at.getTime() < to.getTime()).map((d) => d.featureId)).size;
  const thisWeek = distinct(weekStart, now);
  const lastWeek = distinct(twoWeeksAgo, weekStart);
  return {
    teamId, now,
    featuresDeployedThisWeek: thisWeek,
    featuresDeployedLastWeek: lastWeek,
    deploymentChange: lastWeek === 0 ? null : round2(((thisWeek - lastWeek) / lastWeek) * 100),
    ...approvalFigures(requests, now, new Map(environmentRows.map((e) => [e.id, e.key]))),
    ...pipelineFigures(pipelineEvents, new Map(lastStages.map((row) => [row.featureId, Number(row.last)])), now),
  };
}

// ---------------------------------------------------------------- impact preview

export type RiskLevel = "LOW" | "MEDIUM" | "HIGH";
const RISK_ORDER: RiskLevel[] = ["LOW", "MEDIUM", "HIGH"];

export interface ImpactDependent {
  featureId: string;
  key: string;
  depth: number;
}

export interface EnvironmentImpact {
  environmentId: string;
  environmentKey: string;
  environmentType: EnvironmentType;
  /** An enabled approval policy covers the environment. */
  protected: boolean;
  approvalPolicyId: string | null;
  /** A freeze window covers the environment now. */
  frozen: boolean;
  stageStatus: StageStatus;
  /** The stage serves its rules (deployed, or a rollback not yet approved). */
  live: boolean;
  serverClients: number;
  webClients: number;
  /** Features requiring this one (directly or transitively) that are live in the environment. */
  dependents: ImpactDependent[];
  riskLevel: RiskLevel;
}

export interface ImpactPreview {
  featureId: string;
  key: string;
  /** The highest risk among the environments (LOW when none). */
  riskLevel: RiskLevel;
  environments: EnvironmentImpact[];
}

/** HIGH: production or protected; MEDIUM: staging, or live dependents there; else LOW. */
export function riskOf(impact: Pick<EnvironmentImpact, "environmentType" | "protected" | "dependents">): RiskLevel {
  if (impact.environmentType === "production" || impact.protected) return "HIGH";
  if (impact.environmentType === "staging" || impact.dependents.length > 0) return "MEDIUM";
  return "LOW";
}

/**
 * Per environment of the feature (all, in pipeline order, or the given ones): what a change there
 * would touch. Team members only. D1 round trips: the principal aside, one batch.
 */
export async function featureImpactPreview(
  deps: ControlDeps, principal: Principal, featureId: string, environmentIds?: readonly string[] | null,
): Promise<ImpactPreview> {
  const { db } = deps;
  const now = deps.now();
  const teamOfFeature = sql`(SELECT team_id FROM features WHERE id = ${featureId})`;
  const [featureRows, stageRows, policyRows, freezeRows, clientRows, edges, liveRows] = await db.batch([
    db.select({ id: features.id, key: features.key, teamId: features.teamId }).from(features).where(eq(features.id, featureId)).limit(1),
    db.select({
      environmentId: environments.id, environmentKey: environments.key, environmentType: environments.type, status: featureStages.status,
    }).from(featureStages).innerJoin(environments, eq(environments.id, featureStages.environmentId))
      .where(eq(featureStages.featureId, featureId)).orderBy(featureStages.position),
    db.select().from(approvalPolicies).where(and(eq(approvalPolicies.teamId, teamOfFeature), eq(approvalPolicies.enabled, true))),
    db.select().from(freezeWindows).where(and(eq(freezeWindows.teamId, teamOfFeature), freezeMayBeActive(now))),
    db.select({ environmentId: clients.environmentId, kind: clients.kind, n: sql<number>`COUNT(*)` }).from(clients)
      .where(and(eq(clients.teamId, teamOfFeature), eq(clients.enabled, true))).groupBy(clients.environmentId, clients.kind),
    db.select({ featureId: prerequisites.featureId, requiredFeatureId: prerequisites.requiredFeatureId }).from(prerequisites)
      .innerJoin(features, eq(features.id, prerequisites.featureId)).where(eq(features.teamId, teamOfFeature)),
    // Only features with prerequisites can be dependents: their live stages.
    db.select({ featureId: features.id, key: features.key, environmentId: featureStages.environmentId }).from(featureStages)
      .innerJoin(features, eq(features.id, featureStages.featureId))
      .where(and(
        eq(features.teamId, teamOfFeature), inArray(featureStages.status, [...LIVE_STAGE_STATUSES]),
        sql`${features.id} IN (SELECT ${prerequisites.featureId} FROM ${prerequisites})`,
      )),
  ]);
  const feature = featureRows[0];
  if (!feature) throw notFound("Feature");
  requireTeamRole(principal, feature.teamId, ANY_TEAM_ROLE, "Feature");

  let selected = stageRows;
  if (environmentIds) {
    environmentIds.forEach((id, index) => {
      if (!stageRows.some((stage) => stage.environmentId === id)) {
        throw badInput(`environmentIds.${index}`, "Not an environment of this feature");
      }
    });
    const wanted = new Set(environmentIds);
    selected = stageRows.filter((stage) => wanted.has(stage.environmentId));
  }

  const depths = walkDependents(edges, feature.id);
  const clientCount = (environmentId: string, kind: "server" | "web") =>
    Number(clientRows.find((row) => row.environmentId === environmentId && row.kind === kind)?.n ?? 0);
  const impacts = selected.map((stage): EnvironmentImpact => {
    const environment = { id: stage.environmentId, type: stage.environmentType };
    const policy = applicablePolicy(policyRows, environment);
    const dependents = liveRows
      .filter((row) => row.environmentId === stage.environmentId && depths.has(row.featureId))
      .map((row) => ({ featureId: row.featureId, key: row.key, depth: depths.get(row.featureId)! }))
      .sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key));
    const impact = {
      environmentId: stage.environmentId, environmentKey: stage.environmentKey, environmentType: stage.environmentType,
      protected: policy !== null, approvalPolicyId: policy?.id ?? null,
      frozen: freezeRows.some((freeze) => freezeCovers(freeze, environment, now)),
      stageStatus: stage.status, live: LIVE_STAGE_STATUSES.includes(stage.status),
      serverClients: clientCount(stage.environmentId, "server"), webClients: clientCount(stage.environmentId, "web"),
      dependents,
    };
    return { ...impact, riskLevel: riskOf(impact) };
  });
  const riskLevel = impacts.reduce<RiskLevel>((max, i) => (RISK_ORDER.indexOf(i.riskLevel) > RISK_ORDER.indexOf(max) ? i.riskLevel : max), "LOW");
  return { featureId: feature.id, key: feature.key, riskLevel, environments: impacts };
}
