// Team memberships. Members of a team see its members; system admins and the team's admins add
// members, change their roles and remove them. A team always keeps at least one team admin.
import { and, asc, count, eq, or } from "drizzle-orm";
import { z } from "zod";
import { TEAM_ROLES, teamMemberships, users, type TeamRole } from "../../../db/schema";
import { ANY_TEAM_ROLE, requireTeamRole, TEAM_ADMIN, type Principal } from "./authz";
import { commit } from "./commit";
import type { ControlDeps } from "./deps";
import { conflict, notFound } from "./errors";
import { pageWindow, toConnection, type Connection, type PageArgs } from "./pagination";
import { parseInput } from "./validation";

export interface Membership {
  teamId: string;
  userId: string;
  role: TeamRole;
  createdAt: Date;
}

export async function listMembers(
  deps: ControlDeps, principal: Principal, teamId: string, page: PageArgs,
): Promise<Connection<Membership> & { totalCount: number }> {
  requireTeamRole(principal, teamId, ANY_TEAM_ROLE);
  const window = pageWindow(page);
  const [rows, [total]] = await deps.db.batch([
    deps.db.select({
      teamId: teamMemberships.teamId, userId: teamMemberships.userId, role: teamMemberships.role, createdAt: teamMemberships.createdAt,
    }).from(teamMemberships).innerJoin(users, eq(users.id, teamMemberships.userId))
      .where(eq(teamMemberships.teamId, teamId)).orderBy(asc(users.username)).limit(window.limit + 1).offset(window.offset),
    deps.db.select({ n: count() }).from(teamMemberships).where(eq(teamMemberships.teamId, teamId)),
  ]);
  return { ...toConnection(rows, window), totalCount: total?.n ?? 0 };
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
  try {
    await commit(deps, {
      actor: principal,
      statements: [deps.db.insert(teamMemberships).values(membership)],
      audit: [{
        teamId: input.teamId, action: "team_membership.add", entityType: "team_membership", entityId: `${input.teamId}:${user.id}`,
        before: null, after: { teamId: input.teamId, userId: user.id, role: input.role },
      }],
    });
  } catch (error) {
    if (/UNIQUE constraint failed: team_memberships\./.test(`${(error as Error)?.message} ${String((error as Error)?.cause ?? "")}`)) {
      throw conflict("The user is already a member of this team");
    }
    throw error;
  }
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
