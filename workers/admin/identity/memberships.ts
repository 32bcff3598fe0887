// Team memberships. Members of a team see its members (the Team.members resolver checks, then
// reads pages through membersPages); system admins and the team's admins add
// members, change their roles and remove them. A team always keeps at least one team admin.
import { and, count, eq, gt, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import { TEAM_ROLES, teamMemberships, users, type TeamRole } from "../../../db/schema";
import { requireTeamRole, TEAM_ADMIN, type Principal } from "./authz";
import { commit } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { conflict, notFound } from "../core/errors";
import { userAddedToTeam } from "../notifications/catalog";
import { toConnection, type Connection, type PageWindow } from "../core/pagination";
import { closeUserSockets } from "./socket-access";
import { parseInput } from "../core/validation";
import { inIds } from "../core/sql-in";

export interface Membership {
  teamId: string;
  userId: string;
  role: TeamRole;
  createdAt: Date;
}

export interface MembersPageKey {
  teamId: string;
  window: PageWindow;
}

/**
 * One page of members for each of many teams in ONE D1 round trip (a window function ranks each
 * team's members by username; a grouped count gives the totals), for `teams { nodes { members } }`.
 * No authorisation: the caller checked each team.
 */
export async function membersPages(deps: ControlDeps, keys: readonly MembersPageKey[]): Promise<(Connection<Membership> & { totalCount: number })[]> {
  const { db } = deps;
  const teamIds = [...new Set(keys.map((k) => k.teamId))];
  const windows = [...new Map(keys.map((k) => [`${k.window.limit}:${k.window.offset}`, k.window])).values()];
  const ranked = db.select({
    teamId: teamMemberships.teamId, userId: teamMemberships.userId, role: teamMemberships.role, createdAt: teamMemberships.createdAt,
    rank: sql<number>`row_number() OVER (PARTITION BY ${teamMemberships.teamId} ORDER BY ${users.username})`.as("rank"),
  }).from(teamMemberships).innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(inIds(teamMemberships.teamId, teamIds)).as("ranked");
  const [totals, ...pages] = await db.batch([
    db.select({ teamId: teamMemberships.teamId, n: count() }).from(teamMemberships)
      .where(inIds(teamMemberships.teamId, teamIds)).groupBy(teamMemberships.teamId),
    ...windows.map((w) => db.select().from(ranked)
      .where(and(gt(ranked.rank, w.offset), lte(ranked.rank, w.offset + w.limit + 1))).orderBy(ranked.teamId, sql`${ranked.rank}`)),
  ]);
  const totalOf = new Map(totals.map((t) => [t.teamId, t.n]));
  return keys.map((key) => {
    const rows = pages[windows.findIndex((w) => w.limit === key.window.limit && w.offset === key.window.offset)]!
      .filter((row) => row.teamId === key.teamId)
      .map(({ teamId, userId, role, createdAt }) => ({ teamId, userId, role, createdAt }));
    return { ...toConnection(rows, key.window), totalCount: totalOf.get(key.teamId) ?? 0 };
  });
}

const role = z.enum(TEAM_ROLES);
const addMemberInput = z.object({
  teamId: z.string().min(1),
  /** The user's id, username or email. */
  user: z.string().trim().toLowerCase().min(1, "is required"),
  role,
});

export async function addTeamMember(deps: ControlDeps, principal: Principal, raw: z.input<typeof addMemberInput>): Promise<Membership> {
  const input = parseInput(addMemberInput, raw);
  requireTeamRole(principal, input.teamId, TEAM_ADMIN);
  const [user] = await deps.db.select({ id: users.id }).from(users)
    .where(or(eq(users.id, input.user), eq(users.username, input.user), eq(users.email, input.user))).limit(1);
  if (!user) throw notFound("User");
  const membership: Membership = { teamId: input.teamId, userId: user.id, role: input.role, createdAt: deps.now() };
  await uniqueOrConflict("team_memberships", "The user is already a member of this team", () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(teamMemberships).values(membership)],
    audit: [{
      teamId: input.teamId, action: "team_membership.add", entityType: "team_membership", entityId: `${input.teamId}:${user.id}`,
      before: null, after: { teamId: input.teamId, userId: user.id, role: input.role },
    }],
    notifications: [userAddedToTeam(input.teamId, user.id, input.user, input.role, principal.username, membership.createdAt)],
  }));
  return membership;
}

export async function setMemberRole(
  deps: ControlDeps, principal: Principal, teamId: string, userId: string, rawRole: string,
): Promise<Membership> {
  requireTeamRole(principal, teamId, TEAM_ADMIN);
  const newRole = parseInput(role, rawRole, "role");
  const before = await membershipRow(deps, teamId, userId);
  if (before.role === "team_admin" && newRole !== "team_admin") await assertAnotherAdmin(deps, teamId);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(teamMemberships).set({ role: newRole })
      .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.userId, userId)))],
    audit: [{
      teamId, action: "team_membership.set_role", entityType: "team_membership", entityId: `${teamId}:${userId}`,
      before: { teamId, userId, role: before.role }, after: { teamId, userId, role: newRole },
    }],
  });
  return { ...before, role: newRole };
}

export async function removeTeamMember(deps: ControlDeps, principal: Principal, teamId: string, userId: string): Promise<void> {
  requireTeamRole(principal, teamId, TEAM_ADMIN);
  const before = await membershipRow(deps, teamId, userId);
  if (before.role === "team_admin") await assertAnotherAdmin(deps, teamId);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(teamMemberships).where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.userId, userId)))],
    audit: [{
      teamId, action: "team_membership.remove", entityType: "team_membership", entityId: `${teamId}:${userId}`,
      before: { teamId, userId, role: before.role }, after: null,
    }],
  });
  await closeUserSockets(deps, userId, { teamId });
}

async function membershipRow(deps: ControlDeps, teamId: string, userId: string): Promise<Membership> {
  const [row] = await deps.db.select().from(teamMemberships)
    .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.userId, userId))).limit(1);
  if (!row) throw notFound("Membership");
  return row;
}

async function assertAnotherAdmin(deps: ControlDeps, teamId: string): Promise<void> {
  const [row] = await deps.db.select({ n: count() }).from(teamMemberships)
    .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.role, "team_admin")));
  if ((row?.n ?? 0) < 2) throw conflict("A team needs at least one team admin; promote another member first");
}
