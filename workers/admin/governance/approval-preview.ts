// What would happen to a change of one kind in one environment if the caller asked for it now:
// NOT_REQUIRED (applied directly), REQUIRES_APPROVAL, AUTO_APPROVED (needs approval but is approved
// automatically after the policy's hours unless rejected) or BLOCKED (the caller's role may not ask
// for a deploy / rollback, a freeze window, or too few eligible approvers). Decided by the workflow's own functions — governanceOf, checkFreeze,
// approversFor and the stage workflow's admin rule — so the preview cannot drift from the real thing.
import { z } from "zod";
import { APPROVAL_ACTIONS, STAGE_STATUSES, type StageStatus } from "../../../db/schema";
import { requireTeamMember, type Principal } from "../identity/authz";
import { approversFor } from "./approvers";
import { checkFreeze } from "../workflow/change-guard";
import type { ControlDeps } from "../core/deps";
import { ControlError } from "../core/errors";
import { governanceOf, type ActiveFreeze, type PolicyRow } from "./governance";
import { isAdminOf, REQUEST_ROLES } from "../workflow/stage-workflow";
import { parseInput } from "../core/validation";

export type PreviewOutcome = "NOT_REQUIRED" | "REQUIRES_APPROVAL" | "AUTO_APPROVED" | "BLOCKED";

/** The stage statuses a deploy / rollback preview may name (the requested or the final one). */
const STATUSES_OF: Partial<Record<(typeof APPROVAL_ACTIONS)[number], readonly StageStatus[]>> = {
  deploy: ["DEPLOYMENT_REQUESTED", "DEPLOYED"],
  rollback: ["ROLLBACK_REQUESTED", "ROLLED_BACK"],
};

const previewInput = z.object({
  teamId: z.string().min(1),
  environmentId: z.string().min(1),
  changeType: z.enum(APPROVAL_ACTIONS),
  requestedStatus: z.enum(STAGE_STATUSES).nullish(),
}).strict().refine((p) => !p.requestedStatus || (STATUSES_OF[p.changeType] ?? []).includes(p.requestedStatus),
  { path: ["requestedStatus"], message: "not a status this change type requests" });

export interface ApprovalPreview {
  outcome: PreviewOutcome;
  policy: PolicyRow | null;
  /** Approvals the change would need (0 when applied directly). */
  requiredApprovals: number;
  /** Who would be asked (the caller excluded), sorted; empty when no request would be made. */
  eligibleApproverIds: string[];
  /** The freeze windows in force over the environment now. */
  activeFreezes: ActiveFreeze[];
  reason: string;
}

export async function previewApprovalPolicy(deps: ControlDeps, principal: Principal, raw: unknown): Promise<ApprovalPreview> {
  const input = parseInput(previewInput, raw, "");
  requireTeamMember(principal, input.teamId);
  const governance = await governanceOf(deps, input.teamId, input.environmentId);
  const { policy, activeFreezes, environment } = governance;
  const base = { policy, activeFreezes, eligibleApproverIds: [] as string[] };
  const stageChange = input.changeType in STATUSES_OF;
  // As the workflow decides: unprotected rule / version changes are direct for whoever may make
  // them; an unprotected deploy or rollback is direct for an admin, a request to the admins otherwise.
  const direct = policy === null && (!stageChange || isAdminOf(principal, input.teamId));
  const required = direct ? 0 : policy?.requiredApprovals ?? 1;
  const role = principal.memberships.get(input.teamId);
  if (stageChange && !isAdminOf(principal, input.teamId) && !(role && REQUEST_ROLES.includes(role))) {
    return { ...base, outcome: "BLOCKED", requiredApprovals: required, reason: `The role ${role ?? "(none)"} may not request a ${input.changeType}` };
  }
  try {
    checkFreeze(governance, principal, input.teamId, undefined);
  } catch (error) {
    if (!(error instanceof ControlError)) throw error;
    return { ...base, outcome: "BLOCKED", requiredApprovals: required, reason: error.message };
  }
  if (direct) {
    return { ...base, outcome: "NOT_REQUIRED", requiredApprovals: 0, reason: `No approval policy covers environment "${environment.name}": the change applies directly` };
  }
  let eligible: string[];
  try {
    eligible = (await approversFor(deps, input.teamId, policy, principal.userId)).eligible;
  } catch (error) {
    if (!(error instanceof ControlError)) throw error;
    return { ...base, outcome: "BLOCKED", requiredApprovals: required, reason: error.message };
  }
  const needs = policy
    ? `The approval policy "${policy.name}" requires ${required} approval(s)`
    : `No approval policy covers environment "${environment.name}": a team admin approves a requester's ${input.changeType}`;
  if (policy?.autoApproveAfterHours) {
    return {
      ...base, outcome: "AUTO_APPROVED", requiredApprovals: required, eligibleApproverIds: eligible,
      reason: `${needs}, or is approved automatically after ${policy.autoApproveAfterHours} hour(s) unless rejected`,
    };
  }
  return { ...base, outcome: "REQUIRES_APPROVAL", requiredApprovals: required, eligibleApproverIds: eligible, reason: needs };
}
