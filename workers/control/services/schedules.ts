// Scheduled changes: at a given time, `disable` the feature (engage its kill switch, every
// environment), `enable` it (release the kill switch), or `set_rollout` (set the percentage of one
// stage rule that serves a variant or a rollout). Run by the alarm of an environment object (the
// rule's environment for set_rollout, the feature's first stage otherwise) through
// scheduled-runner.ts; listed and cancelled here.
//
// enable/disable follow the kill switch rather than deploy states because they are feature-wide
// on/off switches (the original's ENABLE_FEATURE/DISABLE_FEATURE); per-environment deploys go
// through the stage workflow and its approvals. A set_rollout in a protected environment is refused
// (APPROVAL_REQUIRED): a timed change must not bypass the approval the direct change would need.
import { and, asc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { SCHEDULE_STATUSES, scheduledChanges } from "../../../db/schema";
import type { ServeDocument } from "../../../engine/types";
import { authorizeEntity, requireTeamMember, TEAM_ADMIN, type Principal } from "./authz";
import { approvalRequired } from "./change-guard";
import { commit } from "./commit";
import type { ControlDeps } from "./deps";
import { badInput, conflict, forbidden } from "./errors";
import { CONFIGURE_FEATURES } from "./feature-roles";
import { loadFeatureState } from "./feature-state";
import { governanceOf } from "./governance";
import { parseInput } from "./validation";

export type ScheduledRow = typeof scheduledChanges.$inferSelect;

const MAX_AHEAD_MS = 366 * 24 * 3600_000;

const createInput = z.discriminatedUnion("action", [
  z.object({ action: z.literal("enable"), featureId: z.string().min(1), runAt: z.date() }).strict(),
  z.object({ action: z.literal("disable"), featureId: z.string().min(1), runAt: z.date() }).strict(),
  z.object({
    action: z.literal("set_rollout"), featureId: z.string().min(1), runAt: z.date(),
    ruleId: z.string().min(1), percentage: z.number().min(0).max(100),
  }).strict(),
]);

const view = (row: ScheduledRow) => ({
  action: row.action, environmentId: row.environmentId, payload: row.payload, runAt: row.runAt.toISOString(), status: row.status,
});

export async function createScheduledChange(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ScheduledRow> {
  const input = parseInput(createInput, raw);
  const teamId = await authorizeEntity(deps, principal, "feature", input.featureId,
    input.action === "set_rollout" ? CONFIGURE_FEATURES : TEAM_ADMIN);
  const now = deps.now();
  if (input.runAt.getTime() <= now.getTime()) throw badInput("input.runAt", "input.runAt: must be in the future");
  if (input.runAt.getTime() > now.getTime() + MAX_AHEAD_MS) throw badInput("input.runAt", "input.runAt: at most a year ahead");
  const state = await loadFeatureState(deps, input.featureId);
  let environmentId = state.stages[0]?.environmentId;
  let payload: ScheduledRow["payload"] = {};
  if (input.action === "set_rollout") {
    const stage = state.stages.find((s) => s.rules.some((r) => r.id === input.ruleId));
    if (!stage) throw badInput("input.ruleId", "input.ruleId: not a rule of this feature");
    const serve = stage.rules.find((r) => r.id === input.ruleId)!.serve as ServeDocument;
    if (serve.kind === "split") throw badInput("input.ruleId", "input.ruleId: the rule serves a split; only a variant or rollout rule takes a percentage");
    const governance = await governanceOf(deps, teamId, stage.environmentId);
    if (governance.policy) throw approvalRequired(governance.environment.name, governance.policy.name);
    environmentId = stage.environmentId;
    payload = { ruleId: input.ruleId, percentage: input.percentage };
  }
  if (!environmentId) throw badInput("input.featureId", "input.featureId: the feature has no environment to run the change in");
  const row: ScheduledRow = {
    id: crypto.randomUUID(), teamId, featureId: input.featureId, environmentId, action: input.action, payload, runAt: input.runAt,
    status: "pending", result: null, createdBy: principal.userId, createdAt: now, executedAt: null,
  };
  // Scheduled before the commit: an item without its committed row does nothing when it runs.
  await deps.scheduler.schedule(environmentId, { id: row.id, runAt: row.runAt.getTime() });
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(scheduledChanges).values(row)],
    audit: [{ teamId, action: "scheduled_change.create", entityType: "scheduled_change", entityId: row.id, before: null, after: view(row) }],
  });
  return row;
}

export async function cancelScheduledChange(deps: ControlDeps, principal: Principal, id: string): Promise<ScheduledRow> {
  const teamId = await authorizeEntity(deps, principal, "scheduledChange", id, CONFIGURE_FEATURES);
  const [row] = await deps.db.select().from(scheduledChanges).where(eq(scheduledChanges.id, id));
  const isAdmin = principal.isSystemAdmin || principal.memberships.get(teamId) === "team_admin";
  if (!isAdmin && row!.createdBy !== principal.userId) throw forbidden("Only a team admin or its creator may cancel a scheduled change");
  if (row!.status !== "pending") throw conflict(`The scheduled change is ${row!.status}`);
  const after: ScheduledRow = { ...row!, status: "cancelled", result: `cancelled by ${principal.username}` };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(scheduledChanges).set({ status: after.status, result: after.result })
      .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.status, "pending")))],
    audit: [{ teamId, action: "scheduled_change.cancel", entityType: "scheduled_change", entityId: id, before: view(row!), after: view(after) }],
  });
  // The stored item would find the row cancelled anyway; removing it saves an alarm run.
  if (row!.environmentId) await deps.scheduler.cancel(row!.environmentId, id).catch((error) => deps.log.warn("schedule cancel failed", error));
  return after;
}

const listInput = z.object({ featureId: z.string().min(1).nullish(), status: z.enum(SCHEDULE_STATUSES).nullish() });

export async function listScheduledChanges(
  deps: ControlDeps, principal: Principal, teamId: string, filter: { featureId?: string | null; status?: string | null },
): Promise<ScheduledRow[]> {
  requireTeamMember(principal, teamId);
  const { featureId, status } = parseInput(listInput, filter, "");
  const conditions: SQL[] = [eq(scheduledChanges.teamId, teamId)];
  if (featureId) conditions.push(eq(scheduledChanges.featureId, featureId));
  if (status) conditions.push(eq(scheduledChanges.status, status));
  return deps.db.select().from(scheduledChanges).where(and(...conditions)).orderBy(asc(scheduledChanges.runAt)).limit(200);
}
