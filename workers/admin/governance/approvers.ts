// Who may decide an approval request, fixed when it is made. Used by the stage workflow when it
// creates a request and by the policy preview, so both always agree.
//
// Eligible: enabled members of the team (the requester excluded: no self-approval) who are listed
// by the policy (eligibleUserIds, or members of the custom roles it names) or hold one of its
// eligibleRoles. fallbackToRoles (default true) keeps the role holders eligible when the policy
// lists users, so listed users who were disabled or left the team do not leave the request
// without approvers; with it off, a policy listing users freezes only those still available.
// Without a policy the team admins decide.
import { and, eq } from "drizzle-orm";
import { teamMemberships, users, type TeamRole } from "../../../db/schema";
import { customRoleApproverIds } from "./custom-roles";
import type { ControlDeps } from "../core/deps";
import { conflict } from "../core/errors";
import type { PolicyRow } from "./governance";

export async function eligibleApprovers(deps: ControlDeps, teamId: string, policy: PolicyRow | null, requesterId: string): Promise<string[]> {
  const members = await deps.db.select({ userId: teamMemberships.userId, role: teamMemberships.role }).from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(and(eq(teamMemberships.teamId, teamId), eq(users.enabled, true)));
  const listed = new Set([...(policy?.eligibleUserIds ?? []), ...(policy ? await customRoleApproverIds(deps, policy.id) : [])]);
  const rolesCount = !policy || listed.size === 0 || policy.fallbackToRoles;
  const roles: readonly TeamRole[] = !policy ? ["team_admin"] : rolesCount ? policy.eligibleRoles : [];
  return members.filter((m) => m.userId !== requesterId && (roles.includes(m.role) || listed.has(m.userId)))
    .map((m) => m.userId).sort();
}

/** The approvers of a new request, or CONFLICT when fewer exist than it needs (never a request nobody can decide). */
export async function approversFor(
  deps: ControlDeps, teamId: string, policy: PolicyRow | null, requesterId: string,
): Promise<{ eligible: string[]; required: number }> {
  const eligible = await eligibleApprovers(deps, teamId, policy, requesterId);
  const required = policy?.requiredApprovals ?? 1;
  if (eligible.length < required) {
    throw conflict(`This change needs ${required} approval(s) but only ${eligible.length} eligible approver(s) exist besides the requester`);
  }
  return { eligible, required };
}
