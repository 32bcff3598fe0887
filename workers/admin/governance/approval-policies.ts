// Approval policies of a team (team admins change them, members read them). A policy protects the
// environments it covers (all / production_only / specific ids): changes there go through an
// approval request with `requiredApprovals` votes from eligible roles and/or listed users
// (services/approvers.ts: fallbackToRoles), optionally approved automatically after
// autoApproveAfterHours (services/auto-approval.ts) or alone by a team admin when
// allowAdminOverride is on (services/approval-override.ts).
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { approvalPolicies, environments, POLICY_SCOPES, TEAM_ROLES, teamMemberships } from "../../../db/schema";
import { authorizeEntity, requireTeamMember, requireTeamRole, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import { isUniqueViolation } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput, conflict } from "../core/errors";
import type { PolicyRow } from "./governance";
import { parseInput } from "../core/validation";

const policyFields = {
  name: z.string().trim().min(1).max(100),
  appliesTo: z.enum(POLICY_SCOPES),
  environmentIds: z.array(z.string().min(1)).max(50),
  requiredApprovals: z.number().int().min(1).max(10),
  eligibleRoles: z.array(z.enum(TEAM_ROLES)).max(4),
  eligibleUserIds: z.array(z.string().min(1)).max(100),
  enabled: z.boolean(),
  /** Null: never auto-approve. At most 30 days. */
  autoApproveAfterHours: z.number().int().min(1).max(720).nullable(),
  allowAdminOverride: z.boolean(),
  fallbackToRoles: z.boolean(),
};
const createInput = z.object({
  teamId: z.string().min(1), ...policyFields,
  environmentIds: policyFields.environmentIds.default([]),
  requiredApprovals: policyFields.requiredApprovals.default(1),
  eligibleRoles: policyFields.eligibleRoles.default(["approver", "team_admin"]),
  eligibleUserIds: policyFields.eligibleUserIds.default([]),
  enabled: policyFields.enabled.default(true),
  autoApproveAfterHours: policyFields.autoApproveAfterHours.default(null),
  allowAdminOverride: policyFields.allowAdminOverride.default(false),
  fallbackToRoles: policyFields.fallbackToRoles.default(true),
}).strict();
const updateInput = z.object({ id: z.string().min(1), ...z.object(policyFields).partial().shape }).strict();

const view = (p: PolicyRow) => ({
  name: p.name, appliesTo: p.appliesTo, environmentIds: p.environmentIds, requiredApprovals: p.requiredApprovals,
  eligibleRoles: p.eligibleRoles, eligibleUserIds: p.eligibleUserIds, enabled: p.enabled,
  autoApproveAfterHours: p.autoApproveAfterHours, allowAdminOverride: p.allowAdminOverride, fallbackToRoles: p.fallbackToRoles,
});

/** Environments belong to the team, users are its members, and someone is eligible. */
async function checkPolicy(deps: ControlDeps, teamId: string, policy: ReturnType<typeof view>): Promise<void> {
  if (policy.appliesTo === "specific" && policy.environmentIds.length === 0) {
    throw badInput("input.environmentIds", "input.environmentIds: a specific policy lists at least one environment");
  }
  if (policy.eligibleRoles.length === 0 && policy.eligibleUserIds.length === 0) {
    throw badInput("input.eligibleRoles", "input.eligibleRoles: name eligible roles or users (or both)");
  }
  const { db } = deps;
  const ids = [...new Set(policy.environmentIds)];
  const userIds = [...new Set(policy.eligibleUserIds)];
  const [envRows, memberRows] = await db.batch([
    db.select({ id: environments.id }).from(environments).where(and(eq(environments.teamId, teamId), inArray(environments.id, ids.length ? ids : [""]))),
    db.select({ userId: teamMemberships.userId }).from(teamMemberships)
      .where(and(eq(teamMemberships.teamId, teamId), inArray(teamMemberships.userId, userIds.length ? userIds : [""]))),
  ]);
  const missingEnv = ids.findIndex((id) => !envRows.some((row) => row.id === id));
  if (missingEnv >= 0) throw badInput(`input.environmentIds.${missingEnv}`, `input.environmentIds.${missingEnv}: not an environment of this team`);
  const missingUser = userIds.findIndex((id) => !memberRows.some((row) => row.userId === id));
  if (missingUser >= 0) throw badInput(`input.eligibleUserIds.${missingUser}`, `input.eligibleUserIds.${missingUser}: not a member of this team`);
}

function uniqueName(error: unknown): never {
  if (isUniqueViolation(error, "approval_policies")) {
    throw conflict("An approval policy with this name already exists in the team");
  }
  throw error;
}

export async function createApprovalPolicy(deps: ControlDeps, principal: Principal, raw: unknown): Promise<PolicyRow> {
  const input = parseInput(createInput, raw);
  requireTeamRole(principal, input.teamId, TEAM_ADMIN);
  const { teamId, ...fields } = input;
  await checkPolicy(deps, teamId, fields);
  const now = deps.now();
  const row: PolicyRow = { id: crypto.randomUUID(), teamId, ...fields, createdAt: now, updatedAt: now };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(approvalPolicies).values(row)],
    audit: [{ teamId, action: "approval_policy.create", entityType: "approval_policy", entityId: row.id, before: null, after: view(row) }],
  }).catch(uniqueName);
  return row;
}

export async function updateApprovalPolicy(deps: ControlDeps, principal: Principal, raw: unknown): Promise<PolicyRow> {
  const { id, ...patch } = parseInput(updateInput, raw);
  const teamId = await authorizeEntity(deps, principal, "approvalPolicy", id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(approvalPolicies).where(eq(approvalPolicies.id, id));
  const after: PolicyRow = { ...before!, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), updatedAt: deps.now() };
  await checkPolicy(deps, teamId, view(after));
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(approvalPolicies).set(after).where(eq(approvalPolicies.id, id))],
    audit: [{ teamId, action: "approval_policy.update", entityType: "approval_policy", entityId: id, before: view(before!), after: view(after) }],
  }).catch(uniqueName);
  return after;
}

/** Pending requests of the policy keep their frozen approvers and stay decidable. */
export async function deleteApprovalPolicy(deps: ControlDeps, principal: Principal, id: string): Promise<PolicyRow> {
  const teamId = await authorizeEntity(deps, principal, "approvalPolicy", id, TEAM_ADMIN);
  const [before] = await deps.db.select().from(approvalPolicies).where(eq(approvalPolicies.id, id));
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(approvalPolicies).where(eq(approvalPolicies.id, id))],
    audit: [{ teamId, action: "approval_policy.delete", entityType: "approval_policy", entityId: id, before: view(before!), after: null }],
  });
  return before!;
}

export async function listApprovalPolicies(deps: ControlDeps, principal: Principal, teamId: string): Promise<PolicyRow[]> {
  requireTeamMember(principal, teamId);
  return deps.db.select().from(approvalPolicies).where(eq(approvalPolicies.teamId, teamId)).orderBy(asc(approvalPolicies.name));
}
