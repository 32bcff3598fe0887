// Teams. System admins create and delete teams and see them all; members see their own teams;
// system admins and the team's admins rename or describe it. Others get NOT_FOUND.
import { asc, count, eq, inArray, or } from "drizzle-orm";
import { z } from "zod";
import { clients, environments, features, pipelines, prerequisites, teams } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { clientKvKey, flagSetKvKey } from "../../../protocol/delivery";
import { requireSystemAdmin, requireTeamMember, requireTeamRole, TEAM_ADMIN, type Principal } from "./authz";
import { commit } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { notFound } from "../core/errors";
import { teamCreated } from "../notifications/catalog";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { parseInput } from "../core/validation";

export type TeamRow = typeof teams.$inferSelect;

const auditTeam = (team: TeamRow): JsonValue => ({ id: team.id, name: team.name, description: team.description });

export async function getTeam(deps: ControlDeps, principal: Principal, teamId: string): Promise<TeamRow> {
  requireTeamMember(principal, teamId);
  return teamRow(deps, teamId);
}

/** All teams for a system admin, the caller's own teams otherwise; by name. */
export async function listTeams(deps: ControlDeps, principal: Principal, page: PageArgs): Promise<Connection<TeamRow> & { totalCount: number }> {
  const window = pageWindow(page);
  const visible = principal.isSystemAdmin ? undefined : inArray(teams.id, [...principal.memberships.keys()]);
  if (visible && !principal.memberships.size) return { ...toConnection([], window), totalCount: 0 };
  const [rows, [total]] = await deps.db.batch([
    deps.db.select().from(teams).where(visible).orderBy(asc(teams.name)).limit(window.limit + 1).offset(window.offset),
    deps.db.select({ n: count() }).from(teams).where(visible),
  ]);
  return { ...toConnection(rows, window), totalCount: total?.n ?? 0 };
}

const teamName = z.string().trim().min(1, "is required").max(100, "must be at most 100 characters");
const teamDescription = z.string().trim().max(2000, "must be at most 2000 characters");
const createTeamInput = z.object({ name: teamName, description: teamDescription.default("") });
const updateTeamInput = z.object({ name: teamName.optional(), description: teamDescription.optional() });

export async function createTeam(deps: ControlDeps, principal: Principal, raw: z.input<typeof createTeamInput>): Promise<TeamRow> {
  requireSystemAdmin(principal);
  const input = parseInput(createTeamInput, raw);
  const now = deps.now();
  const team: TeamRow = { id: crypto.randomUUID(), ...input, createdAt: now, updatedAt: now };
  await commitUniqueName(deps, {
    actor: principal,
    statements: [deps.db.insert(teams).values(team)],
    audit: [{ teamId: team.id, action: "team.create", entityType: "team", entityId: team.id, before: null, after: auditTeam(team) }],
    notifications: [teamCreated(team, principal.username, now)],
  });
  return team;
}

export async function updateTeam(deps: ControlDeps, principal: Principal, teamId: string, raw: z.input<typeof updateTeamInput>): Promise<TeamRow> {
  requireTeamRole(principal, teamId, TEAM_ADMIN);
  const input = parseInput(updateTeamInput, raw);
  const before = await teamRow(deps, teamId);
  const after: TeamRow = { ...before, ...input, updatedAt: deps.now() };
  await commitUniqueName(deps, {
    actor: principal,
    statements: [deps.db.update(teams).set({ ...input, updatedAt: after.updatedAt }).where(eq(teams.id, teamId))],
    audit: [{ teamId, action: "team.update", entityType: "team", entityId: teamId, before: auditTeam(before), after: auditTeam(after) }],
  });
  return after;
}

/**
 * Deletes the team and everything it owns (D1 cascades). Its clients stop authenticating at once:
 * their KV records and the environments' snapshots are deleted after the commit.
 */
export async function deleteTeam(deps: ControlDeps, principal: Principal, teamId: string): Promise<void> {
  requireSystemAdmin(principal);
  const team = await teamRow(deps, teamId);
  const [teamClients, teamEnvironments] = await deps.db.batch([
    deps.db.select({ secretHash: clients.secretHash }).from(clients).where(eq(clients.teamId, teamId)),
    deps.db.select({ id: environments.id }).from(environments).where(eq(environments.teamId, teamId)),
  ]);
  await commit(deps, {
    actor: principal,
    // Children first: several references are ON DELETE RESTRICT (prerequisites, stages, clients).
    statements: [
      deps.db.delete(prerequisites).where(or(
        inArray(prerequisites.featureId, deps.db.select({ id: features.id }).from(features).where(eq(features.teamId, teamId))),
        inArray(prerequisites.requiredFeatureId, deps.db.select({ id: features.id }).from(features).where(eq(features.teamId, teamId))),
      )),
      deps.db.delete(features).where(eq(features.teamId, teamId)),
      deps.db.delete(clients).where(eq(clients.teamId, teamId)),
      deps.db.delete(pipelines).where(eq(pipelines.teamId, teamId)),
      deps.db.delete(teams).where(eq(teams.id, teamId)),
    ],
    // teamId null: the team's own audit rows go with it (cascade), this one must outlive it.
    audit: [{ teamId: null, action: "team.delete", entityType: "team", entityId: teamId, before: auditTeam(team), after: null }],
  });
  await Promise.all([
    ...teamClients.map((c) => deps.kv.delete(clientKvKey(c.secretHash))),
    ...teamEnvironments.map((e) => deps.kv.delete(flagSetKvKey(e.id))),
  ]);
}

async function teamRow(deps: ControlDeps, teamId: string): Promise<TeamRow> {
  const [row] = await deps.db.select().from(teams).where(eq(teams.id, teamId)).limit(1);
  if (!row) throw notFound("Team");
  return row;
}

const commitUniqueName = (deps: ControlDeps, input: Parameters<typeof commit>[1]) =>
  uniqueOrConflict("teams", "A team with this name already exists", () => commit(deps, input));
