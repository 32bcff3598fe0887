// Freeze windows of a team: no change reaches the covered environments (one environment, or every
// environment of a type) between startsAt and endsAt, or in every daily / weekly repetition of
// that wall-clock span in the window's timezone (freeze-occurrence.ts), unless a team admin
// overrides with a reason (change-guard.ts). Team admins create, edit and delete them; members read them.
import { and, asc, eq, gt, ne, or } from "drizzle-orm";
import { z } from "zod";
import { ENVIRONMENT_TYPES, environments, FREEZE_RECURRENCES, freezeWindows } from "../../../db/schema";
import { authorizeEntity, requireTeamMember, requireTeamRole, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { badInput } from "../core/errors";
import { isTimezone, occurrenceAt, RECURRENCE_PERIOD_MS, type Occurrence } from "./freeze-occurrence";
import { freezeMayBeActive, type FreezeRow } from "./governance";
import { parseInput } from "../core/validation";

const windowFields = {
  name: z.string().trim().min(1).max(100),
  environmentId: z.string().min(1).nullish(),
  environmentType: z.enum(ENVIRONMENT_TYPES).nullish(),
  startsAt: z.date(),
  endsAt: z.date(),
  reason: z.string().trim().max(500),
  timezone: z.string().min(1).max(64).refine(isTimezone, "not an IANA timezone"),
  recurrence: z.enum(FREEZE_RECURRENCES),
};
const createInput = z.object({
  teamId: z.string().min(1),
  ...windowFields,
  reason: windowFields.reason.default(""),
  timezone: windowFields.timezone.default("UTC"),
  recurrence: windowFields.recurrence.default("NONE"),
}).strict()
  .refine((w) => Boolean(w.environmentId) !== Boolean(w.environmentType), { path: ["environmentId"], message: "give exactly one of environmentId and environmentType" })
  .refine((w) => w.startsAt.getTime() < w.endsAt.getTime(), { path: ["endsAt"], message: "must be after startsAt" })
  // Occurrences of a recurring window never overlap: each lasts less than its period.
  .refine((w) => w.recurrence === "NONE" || w.endsAt.getTime() - w.startsAt.getTime() < RECURRENCE_PERIOD_MS[w.recurrence],
    { path: ["endsAt"], message: "a recurring window lasts less than its period (a day or a week)" });

const view = (w: FreezeRow) => ({
  name: w.name, environmentId: w.environmentId, environmentType: w.environmentType,
  startsAt: w.startsAt.toISOString(), endsAt: w.endsAt.toISOString(), reason: w.reason,
  timezone: w.timezone, recurrence: w.recurrence,
});

async function requireTeamEnvironment(deps: ControlDeps, teamId: string, environmentId: string): Promise<void> {
  const [env] = await deps.db.select({ id: environments.id }).from(environments)
    .where(and(eq(environments.id, environmentId), eq(environments.teamId, teamId)));
  if (!env) throw badInput("input.environmentId", "input.environmentId: not an environment of this team");
}

export async function createFreezeWindow(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FreezeRow> {
  const input = parseInput(createInput, raw);
  requireTeamRole(principal, input.teamId, TEAM_ADMIN);
  if (input.environmentId) await requireTeamEnvironment(deps, input.teamId, input.environmentId);
  const row: FreezeRow = {
    id: crypto.randomUUID(), teamId: input.teamId, name: input.name, environmentId: input.environmentId ?? null,
    environmentType: input.environmentType ?? null, startsAt: input.startsAt, endsAt: input.endsAt, reason: input.reason,
    timezone: input.timezone, recurrence: input.recurrence,
    createdBy: principal.userId, createdAt: deps.now(),
  };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(freezeWindows).values(row)],
    audit: [{ teamId: input.teamId, action: "freeze_window.create", entityType: "freeze_window", entityId: row.id, before: null, after: view(row) }],
  });
  return row;
}

// An update names only what changes; giving one target (environmentId or environmentType) replaces
// the other, and the whole window is then checked as a new one would be.
const updateInput = z.object({ id: z.string().min(1), ...z.object(windowFields).partial().shape }).strict()
  .refine((w) => !(w.environmentId && w.environmentType), { path: ["environmentId"], message: "give exactly one of environmentId and environmentType" });

/** Team admins. Returns the window as it now is. */
export async function updateFreezeWindow(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FreezeRow> {
  const { id, ...patch } = parseInput(updateInput, raw);
  const teamId = await authorizeEntity(deps, principal, "freezeWindow", id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(freezeWindows).where(eq(freezeWindows.id, id));
  const target = patch.environmentId ? { environmentId: patch.environmentId, environmentType: null }
    : patch.environmentType ? { environmentId: null, environmentType: patch.environmentType } : {};
  const merged = { ...view(before!), ...patch, ...target, startsAt: patch.startsAt ?? before!.startsAt, endsAt: patch.endsAt ?? before!.endsAt };
  const checked = parseInput(createInput, { teamId, ...merged });
  if (target.environmentId) await requireTeamEnvironment(deps, teamId, target.environmentId);
  const after: FreezeRow = {
    ...before!, name: checked.name, environmentId: checked.environmentId ?? null, environmentType: checked.environmentType ?? null,
    startsAt: checked.startsAt, endsAt: checked.endsAt, reason: checked.reason, timezone: checked.timezone, recurrence: checked.recurrence,
  };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(freezeWindows).set(after).where(eq(freezeWindows.id, id))],
    audit: [{ teamId, action: "freeze_window.update", entityType: "freeze_window", entityId: id, before: view(before!), after: view(after) }],
  });
  return after;
}

export async function deleteFreezeWindow(deps: ControlDeps, principal: Principal, id: string): Promise<FreezeRow> {
  const teamId = await authorizeEntity(deps, principal, "freezeWindow", id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(freezeWindows).where(eq(freezeWindows.id, id));
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(freezeWindows).where(eq(freezeWindows.id, id))],
    audit: [{ teamId, action: "freeze_window.delete", entityType: "freeze_window", entityId: id, before: view(before!), after: null }],
  });
  return before!;
}

/** Windows that have not ended yet (recurring ones never end), soonest first. */
export async function listFreezeWindows(deps: ControlDeps, principal: Principal, teamId: string): Promise<FreezeRow[]> {
  requireTeamMember(principal, teamId);
  return deps.db.select().from(freezeWindows)
    .where(and(eq(freezeWindows.teamId, teamId), or(gt(freezeWindows.endsAt, deps.now()), ne(freezeWindows.recurrence, "NONE"))))
    .orderBy(asc(freezeWindows.startsAt), asc(freezeWindows.name));
}

export interface ActiveFreezeWindow {
  window: FreezeRow;
  /** The occurrence in force now (the window itself when it does not recur). */
  occurrence: Occurrence;
}

/** The team's windows in force now, each with its current occurrence, ending soonest first. */
export async function listActiveFreezeWindows(deps: ControlDeps, principal: Principal, teamId: string): Promise<ActiveFreezeWindow[]> {
  requireTeamMember(principal, teamId);
  const now = deps.now();
  const rows = await deps.db.select().from(freezeWindows).where(and(eq(freezeWindows.teamId, teamId), freezeMayBeActive(now)));
  return rows.flatMap((window) => {
    const occurrence = occurrenceAt(window, now);
    return occurrence ? [{ window, occurrence }] : [];
  }).sort((a, b) => a.occurrence.endsAt.getTime() - b.occurrence.endsAt.getTime() || a.window.name.localeCompare(b.window.name));
}
