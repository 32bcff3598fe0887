// Custom roles: named groups of a team's members (e.g. "Security reviewers"), the original's
// custom roles (inventory §1 roles / user_roles), which carried no permission and mattered only as
// approver roles of approval policies. Here too they grant NO permission: authorisation stays on the
// fixed team roles (docs/ROLES.md). A policy naming a custom role makes its members eligible
// approvers; members are resolved when a request is made (and frozen into it, like every approver),
// and only current enabled members of the team count. Unlike the original's global roles, a custom
// role belongs to one team and holds members of that team only.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { approvalPolicies, approvalPolicyCustomRoles, customRoleMembers, customRoles, teamMemberships } from "../../../db/schema";
import { ANY_TEAM_ROLE, authorizeEntity, requireTeamRole, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput, notFound } from "../core/errors";
import type { PolicyRow } from "./governance";
import { inIds } from "../core/sql-in";
import { parseInput } from "../core/validation";

export interface CustomRole {
  id: string;
  teamId: string;
  name: string;
  description: string;
  /** Member user ids, sorted. */
  memberIds: string[];
  createdAt: Date;
}

type RoleRow = typeof customRoles.$inferSelect;

const name = z.string().trim().min(1, "is required").max(100);
const description = z.string().trim().max(500);
const duplicate = "A custom role with this name already exists in the team";

async function withMembers(deps: ControlDeps, rows: RoleRow[]): Promise<CustomRole[]> {
  if (rows.length === 0) return [];
  const members = await deps.db.select({ roleId: customRoleMembers.roleId, userId: customRoleMembers.userId }).from(customRoleMembers)
    .where(inIds(customRoleMembers.roleId, rows.map((r) => r.id)));
  return rows.map((row) => ({ ...row, memberIds: members.filter((m) => m.roleId === row.id).map((m) => m.userId).sort() }));
}

/** The role and its team after the caller's check (NOT_FOUND outside the team, FORBIDDEN by role). */
async function openRole(deps: ControlDeps, principal: Principal, id: string, allowed = TEAM_ADMIN): Promise<RoleRow> {
  const [row] = await deps.db.select().from(customRoles).where(eq(customRoles.id, id)).limit(1);
  if (!row) throw notFound("Custom role");
  requireTeamRole(principal, row.teamId, allowed, "Custom role");
  return row;
}

/** The team's custom roles by name, with their members. Team members. */
export async function listCustomRoles(deps: ControlDeps, principal: Principal, teamId: string): Promise<CustomRole[]> {
  await authorizeEntity(deps, principal, "team", teamId, ANY_TEAM_ROLE);
  return withMembers(deps, await deps.db.select().from(customRoles).where(eq(customRoles.teamId, teamId)).orderBy(asc(customRoles.name)));
}

const createInput = z.object({ teamId: z.string().min(1), name, description: description.default("") }).strict();

export async function createCustomRole(deps: ControlDeps, principal: Principal, raw: unknown): Promise<CustomRole> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  const row: RoleRow = { id: crypto.randomUUID(), teamId: input.teamId, name: input.name, description: input.description, createdAt: deps.now() };
  await uniqueOrConflict("custom_roles", duplicate, () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(customRoles).values(row)],
    audit: [{ teamId: row.teamId, action: "custom_role.create", entityType: "custom_role", entityId: row.id, before: null, after: { name: row.name, description: row.description } }],
  }));
  return { ...row, memberIds: [] };
}

const updateInput = z.object({ id: z.string().min(1), name: name.optional(), description: description.optional() }).strict();

export async function updateCustomRole(deps: ControlDeps, principal: Principal, raw: unknown): Promise<CustomRole> {
  const input = parseInput(updateInput, raw);
  const before = await openRole(deps, principal, input.id);
  const after: RoleRow = { ...before, name: input.name ?? before.name, description: input.description ?? before.description };
  await uniqueOrConflict("custom_roles", duplicate, () => commit(deps, {
    actor: principal,
    statements: [deps.db.update(customRoles).set({ name: after.name, description: after.description }).where(eq(customRoles.id, after.id))],
    audit: [{ teamId: after.teamId, action: "custom_role.update", entityType: "custom_role", entityId: after.id,
      before: { name: before.name, description: before.description }, after: { name: after.name, description: after.description } }],
  }));
  return (await withMembers(deps, [after]))[0]!;
}

/** Deleting a role removes it from every policy naming it (their approvers are then the remaining roles and users). */
export async function deleteCustomRole(deps: ControlDeps, principal: Principal, id: string): Promise<CustomRole> {
  const row = await openRole(deps, principal, id);
  const [view] = await withMembers(deps, [row]);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(customRoles).where(eq(customRoles.id, id))],
    audit: [{ teamId: row.teamId, action: "custom_role.delete", entityType: "custom_role", entityId: id, before: { name: row.name, memberIds: view!.memberIds }, after: null }],
  });
  return view!;
}

const assignmentInput = z.object({ roleId: z.string().min(1), userId: z.string().min(1) }).strict();

/** Adds a member of the team to the role (idempotent). BAD_USER_INPUT (userId) for a non-member. */
export async function assignCustomRole(deps: ControlDeps, principal: Principal, raw: unknown): Promise<CustomRole> {
  const input = parseInput(assignmentInput, raw, "");
  const role = await openRole(deps, principal, input.roleId);
  const [member] = await deps.db.select({ userId: teamMemberships.userId }).from(teamMemberships)
    .where(and(eq(teamMemberships.teamId, role.teamId), eq(teamMemberships.userId, input.userId))).limit(1);
  if (!member) throw badInput("userId", "userId: not a member of the role's team");
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(customRoleMembers).values({ roleId: role.id, userId: input.userId, assignedBy: principal.userId, assignedAt: deps.now() })
      .onConflictDoNothing()],
    audit: [{ teamId: role.teamId, action: "custom_role.assign", entityType: "custom_role", entityId: role.id, before: null, after: { userId: input.userId } }],
  });
  return (await withMembers(deps, [role]))[0]!;
}

export async function unassignCustomRole(deps: ControlDeps, principal: Principal, raw: unknown): Promise<CustomRole> {
  const input = parseInput(assignmentInput, raw, "");
  const role = await openRole(deps, principal, input.roleId);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(customRoleMembers).where(and(eq(customRoleMembers.roleId, role.id), eq(customRoleMembers.userId, input.userId)))],
    audit: [{ teamId: role.teamId, action: "custom_role.unassign", entityType: "custom_role", entityId: role.id, before: { userId: input.userId }, after: null }],
  });
  return (await withMembers(deps, [role]))[0]!;
}

const policyRolesInput = z.object({
  policyId: z.string().min(1),
  roleIds: z.array(z.string().min(1)).max(20).superRefine((ids, ctx) => {
    ids.forEach((id, index) => { if (ids.indexOf(id) !== index) ctx.addIssue({ code: "custom", path: [index], message: "is listed twice" }); });
  }),
}).strict();

/** Replaces the custom roles whose members the policy makes eligible approvers. Team admins. */
export async function setApprovalPolicyCustomRoles(deps: ControlDeps, principal: Principal, raw: unknown): Promise<PolicyRow> {
  const input = parseInput(policyRolesInput, raw, "");
  const teamId = await authorizeEntity(deps, principal, "approvalPolicy", input.policyId, TEAM_ADMIN);
  const [[policy], teamRoles, current] = await deps.db.batch([
    deps.db.select().from(approvalPolicies).where(eq(approvalPolicies.id, input.policyId)),
    deps.db.select({ id: customRoles.id }).from(customRoles).where(eq(customRoles.teamId, teamId)),
    deps.db.select({ roleId: approvalPolicyCustomRoles.roleId }).from(approvalPolicyCustomRoles).where(eq(approvalPolicyCustomRoles.policyId, input.policyId)),
  ]);
  const known = new Set(teamRoles.map((r) => r.id));
  input.roleIds.forEach((id, index) => {
    if (!known.has(id)) throw badInput(`roleIds.${index}`, `roleIds.${index}: not a custom role of the policy's team`);
  });
  await commit(deps, {
    actor: principal,
    statements: [
      deps.db.delete(approvalPolicyCustomRoles).where(eq(approvalPolicyCustomRoles.policyId, input.policyId)),
      ...input.roleIds.map((roleId) => deps.db.insert(approvalPolicyCustomRoles).values({ policyId: input.policyId, roleId })),
    ],
    audit: [{ teamId, action: "approval_policy.set_custom_roles", entityType: "approval_policy", entityId: input.policyId,
      before: { customRoleIds: current.map((r) => r.roleId).sort() }, after: { customRoleIds: [...input.roleIds].sort() } }],
  });
  return policy!;
}

/** The custom roles each policy names (for the GraphQL loader). */
export async function customRolesOfPolicies(deps: ControlDeps, policyIds: readonly string[]): Promise<Map<string, CustomRole[]>> {
  const rows = await deps.db.select({ policyId: approvalPolicyCustomRoles.policyId, role: customRoles }).from(approvalPolicyCustomRoles)
    .innerJoin(customRoles, eq(customRoles.id, approvalPolicyCustomRoles.roleId))
    .where(inIds(approvalPolicyCustomRoles.policyId, policyIds)).orderBy(asc(customRoles.name));
  const roles = await withMembers(deps, [...new Map(rows.map((r) => [r.role.id, r.role])).values()]);
  const byId = new Map(roles.map((r) => [r.id, r]));
  return new Map(policyIds.map((id) => [id, rows.filter((r) => r.policyId === id).map((r) => byId.get(r.role.id)!)]));
}

/** User ids holding a custom role the policy names (eligibility is then checked against the team). */
export async function customRoleApproverIds(deps: ControlDeps, policyId: string): Promise<string[]> {
  const rows = await deps.db.selectDistinct({ userId: customRoleMembers.userId }).from(customRoleMembers)
    .innerJoin(approvalPolicyCustomRoles, eq(approvalPolicyCustomRoles.roleId, customRoleMembers.roleId))
    .where(eq(approvalPolicyCustomRoles.policyId, policyId));
  return rows.map((r) => r.userId);
}
