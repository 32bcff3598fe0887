// Team metrics: the business measures experiments and canary gates compare across variants
// (conversion: did the user convert; numeric: a value such as revenue; duration: a time, lower is
// better). Tracked by applications with POST /v1/track by key. Team admins change them (key and
// type are fixed once created: tracked events depend on both); every member reads them.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { METRIC_TYPES, metrics, type MetricType } from "../../../../db/schema";
import type { JsonValue } from "../../../../engine/types";
import { ANY_TEAM_ROLE, authorizeEntity, requireTeamRole, TEAM_ADMIN, type Principal } from "../../identity/authz";
import { commit } from "../../core/commit";
import { uniqueOrConflict } from "../../core/constraints";
import type { ControlDeps } from "../../core/deps";
import { notFound } from "../../core/errors";
import { parseInput } from "../../core/validation";

export type MetricRow = typeof metrics.$inferSelect;
export { METRIC_TYPES, type MetricType };

export const METRIC_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const keySchema = z.string().trim().regex(METRIC_KEY, "must be 1-100 characters: letters, digits, '_', '.' or '-', starting with a letter");
const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

const createInput = z.object({
  teamId: z.string().min(1),
  key: keySchema,
  name: z.string().trim().min(1, "is required").max(200),
  description: z.string().trim().max(1000).default(""),
  type: z.enum(METRIC_TYPES),
  unit: z.string().trim().max(50).nullish(),
  successCriteria: jsonValue.nullish(),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1, "is required").max(200).optional(),
  description: z.string().trim().max(1000).optional(),
  unit: z.string().trim().max(50).nullish(),
  successCriteria: jsonValue.nullish(),
}).strict();

const duplicateKey = "A metric with this key already exists in the team";

/** The metric's owning team, authorised for `allowed` (NOT_FOUND outside the team). */
async function authorizeMetric(deps: ControlDeps, principal: Principal, id: string, allowed = ANY_TEAM_ROLE): Promise<MetricRow> {
  const [row] = await deps.db.select().from(metrics).where(eq(metrics.id, id)).limit(1);
  if (!row) throw notFound("Metric");
  requireTeamRole(principal, row.teamId, allowed, "Metric");
  return row;
}

export async function listMetrics(deps: ControlDeps, principal: Principal, teamId: string): Promise<MetricRow[]> {
  await authorizeEntity(deps, principal, "team", teamId, ANY_TEAM_ROLE);
  return deps.db.select().from(metrics).where(eq(metrics.teamId, teamId)).orderBy(asc(metrics.key));
}

export const getMetric = (deps: ControlDeps, principal: Principal, id: string) => authorizeMetric(deps, principal, id);

/** The team's metric with this key, or null (callers authorise the team first). */
export async function metricByKey(deps: ControlDeps, teamId: string, key: string): Promise<MetricRow | null> {
  const [row] = await deps.db.select().from(metrics).where(and(eq(metrics.teamId, teamId), eq(metrics.key, key))).limit(1);
  return row ?? null;
}

export async function createMetric(deps: ControlDeps, principal: Principal, raw: unknown): Promise<MetricRow> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  const now = deps.now();
  const row: MetricRow = {
    id: crypto.randomUUID(), teamId: input.teamId, key: input.key, name: input.name, description: input.description,
    type: input.type, unit: input.unit ?? null, successCriteria: input.successCriteria ?? null, createdAt: now, updatedAt: now,
  };
  await uniqueOrConflict("metrics", duplicateKey, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(metrics).values(row)],
    audit: [{ teamId: row.teamId, action: "metric.create", entityType: "metric", entityId: row.id, before: null, after: auditView(row) }],
  }));
  return row;
}

export async function updateMetric(deps: ControlDeps, principal: Principal, raw: unknown): Promise<MetricRow> {
  const input = parseInput(updateInput, raw);
  const before = await authorizeMetric(deps, principal, input.id, TEAM_ADMIN);
  const after: MetricRow = {
    ...before, name: input.name ?? before.name, description: input.description ?? before.description,
    unit: input.unit === undefined ? before.unit : input.unit, successCriteria: input.successCriteria === undefined ? before.successCriteria : input.successCriteria,
    updatedAt: deps.now(),
  };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(metrics).set({
      name: after.name, description: after.description, unit: after.unit, successCriteria: after.successCriteria, updatedAt: after.updatedAt,
    }).where(eq(metrics.id, after.id))],
    audit: [{ teamId: after.teamId, action: "metric.update", entityType: "metric", entityId: after.id, before: auditView(before), after: auditView(after) }],
  });
  return after;
}

/** Deletes the metric with its tracked events and the canary gates using it. */
export async function deleteMetric(deps: ControlDeps, principal: Principal, id: string): Promise<MetricRow> {
  const before = await authorizeMetric(deps, principal, id, TEAM_ADMIN);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(metrics).where(eq(metrics.id, id))],
    audit: [{ teamId: before.teamId, action: "metric.delete", entityType: "metric", entityId: id, before: auditView(before), after: null }],
  });
  return before;
}

function auditView(row: MetricRow): JsonValue {
  return {
    id: row.id, teamId: row.teamId, key: row.key, name: row.name, description: row.description, type: row.type,
    unit: row.unit, successCriteria: row.successCriteria ?? null,
  };
}
