// Canary gates of a stage (feature + environment): the canary variant must not regress a team
// metric against the baseline variant by more than thresholdPct over the last windowMinutes.
// Team admins change gates and analyse them by hand; members read gates and results. Enabled gates
// are analysed every minute by the cron job (workers/admin/jobs/canary-gates.ts). A failed analysis with
// autoRollbackOnFail (or forceRollback) engages the feature's kill switch through the kill-switch
// service, released again after rollbackInMinutes when set.
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { CANARY_DIRECTIONS, canaryGates, canaryResults, featureStages, features, metrics, variants } from "../../../../db/schema";
import type { JsonValue } from "../../../../engine/types";
import { ANY_TEAM_ROLE, authorizeEntity, requireTeamRole, TEAM_ADMIN, type Principal } from "../../identity/authz";
import { commit, type Actor } from "../../core/commit";
import { uniqueOrConflict } from "../../core/constraints";
import type { ControlDeps } from "../../core/deps";
import { badInput, notFound } from "../../core/errors";
import { engageKillSwitch, MAX_ROLLBACK_MINUTES } from "../../workflow/kill-switch";
import { parseInput } from "../../core/validation";
import { judgeCanary, type CanarySide } from "./canary-analysis";

export type CanaryGateRow = typeof canaryGates.$inferSelect;
export type CanaryResultRow = typeof canaryResults.$inferSelect;

const settings = {
  baselineVariant: z.string().min(1).max(200),
  canaryVariant: z.string().min(1).max(200),
  direction: z.enum(CANARY_DIRECTIONS),
  thresholdPct: z.number().gt(0).max(1000),
  minSampleSize: z.number().int().min(1).max(1_000_000),
  windowMinutes: z.number().int().min(1).max(7 * 24 * 60),
  autoRollbackOnFail: z.boolean(),
  rollbackInMinutes: z.number().int().min(1).max(MAX_ROLLBACK_MINUTES).nullable(),
  enabled: z.boolean(),
};

const createInput = z.object({
  featureId: z.string().min(1),
  environmentId: z.string().min(1),
  metricKey: z.string().min(1),
  ...settings,
  autoRollbackOnFail: settings.autoRollbackOnFail.default(false),
  rollbackInMinutes: settings.rollbackInMinutes.optional().transform((v) => v ?? null),
  enabled: settings.enabled.default(true),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof settings]: z.ZodOptional<(typeof settings)[K]> },
}).strict();

async function loadGate(deps: ControlDeps, principal: Principal, id: string, allowed = ANY_TEAM_ROLE): Promise<CanaryGateRow> {
  const [gate] = await deps.db.select().from(canaryGates).where(eq(canaryGates.id, id)).limit(1);
  if (!gate) throw notFound("Canary gate");
  requireTeamRole(principal, gate.teamId, allowed, "Canary gate");
  return gate;
}

/** The variant keys a gate may name: the feature's variants (on/off for a boolean without rows). */
async function variantKeys(deps: ControlDeps, featureId: string): Promise<string[]> {
  const [rows, [feature]] = await deps.db.batch([
    deps.db.select({ key: variants.key }).from(variants).where(eq(variants.featureId, featureId)),
    deps.db.select({ type: features.type }).from(features).where(eq(features.id, featureId)),
  ]);
  if (rows.length === 0 && feature?.type === "boolean") return ["on", "off"];
  return rows.map((r) => r.key);
}

function checkVariants(known: string[], gate: Pick<CanaryGateRow, "baselineVariant" | "canaryVariant">, root: string): void {
  for (const field of ["baselineVariant", "canaryVariant"] as const) {
    if (!known.includes(gate[field])) throw badInput(`${root}.${field}`, `${root}.${field}: the feature has no variant ${gate[field]} (variants: ${known.join(", ")})`);
  }
  if (gate.baselineVariant === gate.canaryVariant) throw badInput(`${root}.canaryVariant`, `${root}.canaryVariant: must differ from the baseline variant`);
}

const duplicate = "The stage already has a canary gate on this metric";

export async function createCanaryGate(deps: ControlDeps, principal: Principal, raw: unknown): Promise<CanaryGateRow> {
  const input = parseInput(createInput, raw);
  const teamId = await authorizeEntity(deps, principal, "feature", input.featureId, TEAM_ADMIN);
  const [[stage], [metric]] = await deps.db.batch([
    deps.db.select({ id: featureStages.id }).from(featureStages)
      .where(and(eq(featureStages.featureId, input.featureId), eq(featureStages.environmentId, input.environmentId))),
    deps.db.select({ id: metrics.id }).from(metrics).where(and(eq(metrics.teamId, teamId), eq(metrics.key, input.metricKey))),
  ]);
  if (!stage) throw badInput("input.environmentId", "input.environmentId: the feature has no stage in this environment");
  if (!metric) throw badInput("input.metricKey", `input.metricKey: the team has no metric ${input.metricKey}`);
  checkVariants(await variantKeys(deps, input.featureId), input, "input");
  const now = deps.now();
  const { metricKey: _key, ...values } = input;
  const row: CanaryGateRow = { id: crypto.randomUUID(), teamId, ...values, metricId: metric.id, createdAt: now, updatedAt: now };
  await uniqueOrConflict("canary_gates", duplicate, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(canaryGates).values(row)],
    audit: [{ teamId, action: "canary_gate.create", entityType: "canary_gate", entityId: row.id, before: null, after: auditView(row) }],
  }));
  return row;
}

export async function updateCanaryGate(deps: ControlDeps, principal: Principal, raw: unknown): Promise<CanaryGateRow> {
  const input = parseInput(updateInput, raw);
  const before = await loadGate(deps, principal, input.id, TEAM_ADMIN);
  const changes = Object.fromEntries(Object.entries(input).filter(([k, v]) => k !== "id" && v !== undefined));
  const after: CanaryGateRow = { ...before, ...changes, updatedAt: deps.now() };
  if (input.baselineVariant !== undefined || input.canaryVariant !== undefined) checkVariants(await variantKeys(deps, before.featureId), after, "input");
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(canaryGates).set({ ...changes, updatedAt: after.updatedAt }).where(eq(canaryGates.id, before.id))],
    audit: [{ teamId: before.teamId, action: "canary_gate.update", entityType: "canary_gate", entityId: before.id, before: auditView(before), after: auditView(after) }],
  });
  return after;
}

export async function deleteCanaryGate(deps: ControlDeps, principal: Principal, id: string): Promise<CanaryGateRow> {
  const before = await loadGate(deps, principal, id, TEAM_ADMIN);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(canaryGates).where(eq(canaryGates.id, id))],
    audit: [{ teamId: before.teamId, action: "canary_gate.delete", entityType: "canary_gate", entityId: id, before: auditView(before), after: null }],
  });
  return before;
}

export const getCanaryGate = (deps: ControlDeps, principal: Principal, id: string) => loadGate(deps, principal, id);

/** The feature's gates (in one environment when given). Team members. */
export async function listCanaryGates(deps: ControlDeps, principal: Principal, featureId: string, environmentId?: string | null): Promise<CanaryGateRow[]> {
  await authorizeEntity(deps, principal, "feature", featureId, ANY_TEAM_ROLE);
  const where = environmentId
    ? and(eq(canaryGates.featureId, featureId), eq(canaryGates.environmentId, environmentId))
    : eq(canaryGates.featureId, featureId);
  return deps.db.select().from(canaryGates).where(where).orderBy(canaryGates.createdAt, canaryGates.id);
}

export const MAX_RESULTS_PAGE = 100;

/** The gate's latest results, newest first. Team members. */
export async function listCanaryResults(deps: ControlDeps, principal: Principal, gateId: string, first = 20): Promise<CanaryResultRow[]> {
  await loadGate(deps, principal, gateId);
  const limit = Math.min(Math.max(1, first), MAX_RESULTS_PAGE);
  return deps.db.select().from(canaryResults).where(eq(canaryResults.gateId, gateId))
    .orderBy(desc(canaryResults.analyzedAt), desc(canaryResults.id)).limit(limit);
}

/** Manual analysis (team admins). forceRollback engages the kill switch on failure even without autoRollbackOnFail. */
export async function analyzeCanaryGateAs(deps: ControlDeps, principal: Principal, id: string, forceRollback = false): Promise<CanaryResultRow> {
  const gate = await loadGate(deps, principal, id, TEAM_ADMIN);
  return analyzeCanaryGate(deps, principal, gate, "manual", forceRollback);
}

/**
 * Analyses the gate over its window ending now, records the result and, on failure with
 * autoRollbackOnFail (or forceRollback), engages the feature's kill switch as `actor`. The kill
 * switch is not engaged again while it already is. D1: one batch to read, one write (plus the kill
 * switch's own commit when it engages).
 */
export async function analyzeCanaryGate(
  deps: ControlDeps, actor: Actor, gate: CanaryGateRow, trigger: "manual" | "scheduled", forceRollback = false,
): Promise<CanaryResultRow> {
  const now = deps.now();
  const since = now.getTime() - gate.windowMinutes * 60_000;
  const d1 = (deps.db as unknown as { $client: D1Database }).$client;
  const [context, sides] = await d1.batch([
    d1.prepare(`SELECT m.type AS metric_type, f.key AS feature_key, f.kill_switch_active AS killed
      FROM metrics m, features f WHERE m.id = ?1 AND f.id = ?2`).bind(gate.metricId, gate.featureId),
    d1.prepare(`SELECT e.variant, COUNT(*) AS n, COALESCE(SUM(e.converted), 0) AS conversions, COALESCE(SUM(e.value), 0) AS total
      FROM metric_events e JOIN features f ON f.id = ?2
      WHERE e.metric_id = ?1 AND e.environment_id = ?3 AND e.flag_key = f.key AND e.variant IN (?4, ?5)
        AND e.occurred_at > ?6 AND e.occurred_at <= ?7
      GROUP BY e.variant`).bind(gate.metricId, gate.featureId, gate.environmentId, gate.baselineVariant, gate.canaryVariant, since, now.getTime()),
  ]);
  const info = context!.results[0] as { metric_type: "conversion" | "numeric" | "duration"; feature_key: string; killed: number } | undefined;
  if (!info) throw notFound("Canary gate");
  const rows = sides!.results as { variant: string; n: number; conversions: number; total: number }[];
  const side = (variant: string): CanarySide => {
    const row = rows.find((r) => r.variant === variant);
    return { n: row?.n ?? 0, conversions: row?.conversions ?? 0, sum: row?.total ?? 0 };
  };
  const baseline = side(gate.baselineVariant);
  const canary = side(gate.canaryVariant);
  const verdict = judgeCanary({ metricType: info.metric_type, direction: gate.direction, thresholdPct: gate.thresholdPct, minSampleSize: gate.minSampleSize }, baseline, canary);
  let rollbackTriggered = false;
  let rollbackError: string | null = null;
  if (verdict.outcome === "failed" && (gate.autoRollbackOnFail || forceRollback)) {
    if (info.killed) {
      rollbackError = "The feature's kill switch is already engaged";
    } else {
      try {
        await engageKillSwitch(deps, actor, gate.featureId, gate.rollbackInMinutes, `Canary gate failed in environment ${gate.environmentId}: ${verdict.reason}`);
        rollbackTriggered = true;
      } catch (error) {
        rollbackError = error instanceof Error ? error.message : String(error);
        deps.log.error("canary rollback failed", { gateId: gate.id, error });
      }
    }
  }
  const result: CanaryResultRow = {
    id: crypto.randomUUID(), gateId: gate.id, analyzedAt: now, outcome: verdict.outcome, reason: verdict.reason,
    baselineSampleSize: baseline.n, canarySampleSize: canary.n, baselineValue: verdict.baselineValue, canaryValue: verdict.canaryValue,
    regressionPct: verdict.regressionPct, rollbackTriggered, rollbackError, trigger,
  };
  await deps.db.insert(canaryResults).values(result);
  return result;
}

function auditView(row: CanaryGateRow): JsonValue {
  return {
    id: row.id, featureId: row.featureId, environmentId: row.environmentId, metricId: row.metricId,
    baselineVariant: row.baselineVariant, canaryVariant: row.canaryVariant, direction: row.direction, thresholdPct: row.thresholdPct,
    minSampleSize: row.minSampleSize, windowMinutes: row.windowMinutes, autoRollbackOnFail: row.autoRollbackOnFail,
    rollbackInMinutes: row.rollbackInMinutes, enabled: row.enabled,
  };
}
