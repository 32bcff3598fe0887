// Freeze windows of a team: no change reaches the covered environments (one environment, or every
// environment of a type) between startsAt and endsAt, or in every daily / weekly repetition of
// that wall-clock span in the window's timezone (freeze-occurrence.ts), unless a team admin
// overrides with a reason (change-guard.ts). Team admins create and delete them; members read them.
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

const createInput = z.object({
  teamId: z.string().min(1),
  name: z.string().trim().min(1).max(100),
  environmentId: z.string().min(1).nullish(),
  environmentType: z.enum(ENVIRONMENT_TYPES).nullish(),
  startsAt: z.date(),
  endsAt: z.date(),
  reason: z.string().trim().max(500).default(""),
  timezone: z.string().min(1).max(64).refine(isTimezone, "not an IANA timezone").default("UTC"),
  recurrence: z.enum(FREEZE_RECURRENCES).default("NONE"),
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

export async function createFreezeWindow(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FreezeRow> {
  const input = parseInput(createInput, raw);
  requireTeamRole(principal, input.teamId, TEAM_ADMIN);
  if (input.environmentId) {
    const [env] = await deps.db.select({ id: environments.id }).from(environments)
      .where(and(eq(environments.id, input.environmentId), eq(environments.teamId, input.teamId)));
    if (!env) throw badInput("input.environmentId", "input.environmentId: not an environment of this team");
  }
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
