// The approval policy form (workers/admin/governance/approval-policies.ts).
import type { Problems } from "../form-problems";
import { strings, str, checked } from "./common";

export const POLICY_SCOPES = ["all", "production_only", "specific"] as const;
export const TEAM_ROLES = ["team_admin", "approver", "requester", "viewer"] as const;
export type PolicyScope = (typeof POLICY_SCOPES)[number];
export type TeamRoleName = (typeof TEAM_ROLES)[number];

export interface PolicyValues {
  name: string; appliesTo: PolicyScope; environmentIds: string[]; requiredApprovals: number; eligibleRoles: TeamRoleName[];
  eligibleUserIds: string[]; autoApproveAfterHours: number | null; allowAdminOverride: boolean; fallbackToRoles: boolean; enabled: boolean;
}

export function readPolicy(form: FormData): PolicyValues {
  const hours = str(form, "autoApproveAfterHours");
  const scope = str(form, "appliesTo") as PolicyScope;
  return {
    name: str(form, "name"),
    appliesTo: POLICY_SCOPES.includes(scope) ? scope : "all",
    environmentIds: scope === "specific" ? strings(form, "environmentIds") : [],
    requiredApprovals: Number(str(form, "requiredApprovals") || "1"),
    eligibleRoles: strings(form, "eligibleRoles").filter((r): r is TeamRoleName => (TEAM_ROLES as readonly string[]).includes(r)),
    eligibleUserIds: strings(form, "eligibleUserIds"),
    autoApproveAfterHours: hours === "" ? null : Number(hours),
    allowAdminOverride: checked(form, "allowAdminOverride"),
    fallbackToRoles: checked(form, "fallbackToRoles"),
    enabled: checked(form, "enabled"),
  };
}

export function policyProblems(values: PolicyValues): Problems {
  const problems: Problems = {};
  if (!values.name) problems.name = "Name the policy.";
  else if (values.name.length > 100) problems.name = "At most 100 characters.";
  if (values.appliesTo === "specific" && values.environmentIds.length === 0) problems.environmentIds = "A specific policy lists at least one environment.";
  if (!Number.isInteger(values.requiredApprovals) || values.requiredApprovals < 1 || values.requiredApprovals > 10) {
    problems.requiredApprovals = "Between 1 and 10 approvals.";
  }
  if (values.eligibleRoles.length === 0 && values.eligibleUserIds.length === 0) problems.eligibleRoles = "Name eligible roles or users (or both).";
  const hours = values.autoApproveAfterHours;
  if (hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > 720)) {
    problems.autoApproveAfterHours = "A whole number of hours from 1 to 720, or blank for never.";
  }
  return problems;
}
