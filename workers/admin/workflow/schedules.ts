// Scheduled changes: at a given time, `disable` the feature (engage its kill switch, every
// environment), `enable` it (release the kill switch), `set_rollout` (set the percentage of one
// stage rule that serves a variant or a rollout), `stage_change` (request a deploy or rollback of one
// stage, exactly as requestDeploy / requestRollback would then: directly for a team admin where no
// policy protects the environment, otherwise as an approval request created at that time) or
// `archive_feature` (archive it, refused while unarchived features require it). Run by the alarm
// of an environment object (the rule's or stage's environment, the feature's first stage
// otherwise) through scheduled-runner.ts; listed, rescheduled and cancelled here. `timezone` is
// the IANA zone the creator picked the time in, kept for display: runAt is the instant that runs.
//
// enable/disable follow the kill switch rather than deploy states because they are feature-wide
// on/off switches (the original's ENABLE_FEATURE/DISABLE_FEATURE); per-environment deploys go
// through stage_change and its approvals. A set_rollout or archive_feature touching a protected
// environment is refused (APPROVAL_REQUIRED): a timed change must not bypass the approval the direct
// change would need; a stage_change is never refused for it, since it asks for the approval.
import { and, asc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { SCHEDULE_STATUSES, scheduledChanges } from "../../../db/schema";
import type { ServeDocument } from "../../../engine/types";
import { authorizeEntity, requireTeamMember, TEAM_ADMIN, type Principal } from "../identity/authz";
import type { TeamRole } from "../../../db/schema";
import { approvalRequired } from "./change-guard";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { badInput, conflict, forbidden } from "../core/errors";
import { REQUEST_ROLES } from "./stage-workflow";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { loadFeatureState } from "../configuration/feature-state";
import { governanceOf } from "../governance/governance";
import { parseInput } from "../core/validation";

export type ScheduledRow = typeof scheduledChanges.$inferSelect;

const MAX_AHEAD_MS = 366 * 24 * 3600_000;

/** An IANA time zone name (checked against the runtime's zone data). */
export const timezoneSchema = z.string().max(64).refine((zone) => {
  try { new Intl.DateTimeFormat("en", { timeZone: zone }); return true; } catch { return false; }
}, "must be an IANA time zone such as Europe/Paris");

const common = { featureId: z.string().min(1), runAt: z.date(), timezone: timezoneSchema.nullish() };
const createInput = z.discriminatedUnion("action", [
  z.object({ action: z.literal("enable"), ...common }).strict(),
  z.object({ action: z.literal("disable"), ...common }).strict(),
  z.object({
    action: z.literal("set_rollout"), ...common, ruleId: z.string().min(1), percentage: z.number().min(0).max(100),
  }).strict(),
  z.object({
    action: z.literal("stage_change"), ...common, stageId: z.string().min(1), stageChange: z.enum(["deploy", "rollback"]),
    comment: z.string().trim().max(1000).default(""),
  }).strict(),
  z.object({ action: z.literal("archive_feature"), ...common }).strict(),
]);

type CreateInput = z.output<typeof createInput>;

/** Who may schedule each action: who may make the change itself. */
const CREATE_ROLES: Record<CreateInput["action"], readonly TeamRole[]> = {
  enable: TEAM_ADMIN, disable: TEAM_ADMIN, set_rollout: CONFIGURE_FEATURES, stage_change: REQUEST_ROLES, archive_feature: CONFIGURE_FEATURES,
};

const view = (row: ScheduledRow) => ({
  action: row.action, environmentId: row.environmentId, payload: row.payload, runAt: row.runAt.toISOString(), timezone: row.timezone,
  status: row.status,
});

function assertRunAt(runAt: Date, now: Date, field: string): void {
  if (runAt.getTime() <= now.getTime()) throw badInput(field, `${field}: must be in the future`);
  if (runAt.getTime() > now.getTime() + MAX_AHEAD_MS) throw badInput(field, `${field}: at most a year ahead`);
}

/** Where the change runs and what it carries; refuses what could never run as asked. */
async function targetOf(
  deps: ControlDeps, teamId: string, input: CreateInput,
): Promise<{ environmentId: string | undefined; payload: ScheduledRow["payload"] }> {
  const state = await loadFeatureState(deps, input.featureId);
  switch (input.action) {
    case "set_rollout": {
      const stage = state.stages.find((s) => s.rules.some((r) => r.id === input.ruleId));
      if (!stage) throw badInput("input.ruleId", "input.ruleId: not a rule of this feature");
      const serve = stage.rules.find((r) => r.id === input.ruleId)!.serve as ServeDocument;
      if (serve.kind === "split") throw badInput("input.ruleId", "input.ruleId: the rule serves a split; only a variant or rollout rule takes a percentage");
      const governance = await governanceOf(deps, teamId, stage.environmentId);
      if (governance.policy) throw approvalRequired(governance.environment.name, governance.policy.name);
      return { environmentId: stage.environmentId, payload: { ruleId: input.ruleId, percentage: input.percentage } };
    }
    case "stage_change": {
      const stage = state.stages.find((s) => s.id === input.stageId);
      if (!stage) throw badInput("input.stageId", "input.stageId: not a stage of this feature");
      return { environmentId: stage.environmentId, payload: { stageId: stage.id, stageChange: input.stageChange, comment: input.comment } };
    }
    case "archive_feature":
      if (state.feature.lifecycle === "archived") throw conflict("The feature is already archived");
      // Archiving changes what every environment serves: none of them may be protected.
      for (const stage of state.stages) {
        const governance = await governanceOf(deps, teamId, stage.environmentId);
        if (governance.policy) throw approvalRequired(governance.environment.name, governance.policy.name);
      }
      return { environmentId: state.stages[0]?.environmentId, payload: {} };
    default:
      return { environmentId: state.stages[0]?.environmentId, payload: {} };
  }
}

export async function createScheduledChange(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ScheduledRow> {
  const input = parseInput(createInput, raw);
  const teamId = await authorizeEntity(deps, principal, "feature", input.featureId, CREATE_ROLES[input.action]);
  const now = deps.now();
  assertRunAt(input.runAt, now, "input.runAt");
  const { environmentId, payload } = await targetOf(deps, teamId, input);
  if (!environmentId) throw badInput("input.featureId", "input.featureId: the feature has no environment to run the change in");
  const row: ScheduledRow = {
    id: crypto.randomUUID(), teamId, featureId: input.featureId, environmentId, action: input.action, payload, runAt: input.runAt,
    timezone: input.timezone ?? null, status: "pending", result: null, createdBy: principal.userId, createdAt: now, executedAt: null,
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

/** A pending change of the caller's team that the caller may manage (team admin, or its creator). */
async function manageable(deps: ControlDeps, principal: Principal, id: string): Promise<{ teamId: string; row: ScheduledRow }> {
  const teamId = await authorizeEntity(deps, principal, "scheduledChange", id, CONFIGURE_FEATURES);
  const [row] = await deps.db.select().from(scheduledChanges).where(eq(scheduledChanges.id, id));
  const isAdmin = principal.isSystemAdmin || principal.memberships.get(teamId) === "team_admin";
  if (!isAdmin && row!.createdBy !== principal.userId) throw forbidden("Only a team admin or its creator may change a scheduled change");
  if (row!.status !== "pending") throw conflict(`The scheduled change is ${row!.status}`);
  return { teamId, row: row! };
}

const rescheduleInput = z.object({ id: z.string().min(1), scheduledAt: z.date(), timezone: timezoneSchema.nullish() }).strict();

/**
 * Moves a pending change to another time (and optionally records another display zone), re-arming
 * its environment object's alarm; audited. The automatic kill-switch re-enable is moved with
 * emergencyDisableFeature instead (its time is part of the kill it belongs to).
 */
export async function rescheduleScheduledChange(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ScheduledRow> {
  const input = parseInput(rescheduleInput, raw, "");
  const { teamId, row } = await manageable(deps, principal, input.id);
  if (row.action === "kill_switch_rollback") {
    throw badInput("id", "id: an automatic kill-switch re-enable follows its kill; change it with emergencyDisableFeature");
  }
  assertRunAt(input.scheduledAt, deps.now(), "scheduledAt");
  const after: ScheduledRow = { ...row, runAt: input.scheduledAt, timezone: input.timezone === undefined ? row.timezone : input.timezone };
  // Moved before the commit (as when created): the item finds the row pending at whichever time runs.
  await deps.scheduler.schedule(row.environmentId!, { id: row.id, runAt: after.runAt.getTime() });
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(scheduledChanges).set({ runAt: after.runAt, timezone: after.timezone })
      .where(and(eq(scheduledChanges.id, row.id), eq(scheduledChanges.status, "pending")))],
    audit: [{ teamId, action: "scheduled_change.reschedule", entityType: "scheduled_change", entityId: row.id, before: view(row), after: view(after) }],
  });
  return after;
}

export async function cancelScheduledChange(deps: ControlDeps, principal: Principal, id: string): Promise<ScheduledRow> {
  const { teamId, row } = await manageable(deps, principal, id);
  const after: ScheduledRow = { ...row, status: "cancelled", result: `cancelled by ${principal.username}` };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(scheduledChanges).set({ status: after.status, result: after.result })
      .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.status, "pending")))],
    audit: [{ teamId, action: "scheduled_change.cancel", entityType: "scheduled_change", entityId: id, before: view(row), after: view(after) }],
  });
  // The stored item would find the row cancelled anyway; removing it saves an alarm run.
  if (row.environmentId) await deps.scheduler.cancel(row.environmentId, id).catch((error) => deps.log.warn("schedule cancel failed", error));
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
