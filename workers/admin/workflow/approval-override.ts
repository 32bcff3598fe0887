// A team admin's override: where the request's policy allows it (allowAdminOverride), a team admin
// (or system admin) approves a pending request alone, whatever requiredApprovals says. The reason
// is mandatory and audited; the requester still may not approve their own request, and a freeze
// window still holds the change back (freezeOverrideReason lifts it, as for any approval).
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { approvalPolicies, approvalRequests, approvalVotes, features } from "../../../db/schema";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { conflict, forbidden } from "../core/errors";
import { concludeApproval, invalidate, type RequestRow } from "./stage-workflow";
import { parseInput } from "../core/validation";

const overrideInput = z.object({
  requestId: z.string().min(1),
  reason: z.string().trim().min(1, "an admin override needs a reason").max(500),
  freezeOverrideReason: z.string().nullish(),
}).strict();

export async function adminOverrideApprove(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RequestRow> {
  const input = parseInput(overrideInput, raw, "");
  const teamId = await authorizeEntity(deps, principal, "approvalRequest", input.requestId, TEAM_ADMIN);
  const { db } = deps;
  const [[request], votes] = await db.batch([
    db.select().from(approvalRequests).where(eq(approvalRequests.id, input.requestId)),
    db.select({ userId: approvalVotes.userId }).from(approvalVotes).where(eq(approvalVotes.requestId, input.requestId)),
  ]);
  if (request!.requestedBy === principal.userId) throw forbidden("Nobody may approve their own request, not even by an admin override");
  const [policy] = request!.policyId
    ? await db.select({ allow: approvalPolicies.allowAdminOverride }).from(approvalPolicies).where(eq(approvalPolicies.id, request!.policyId))
    : [];
  if (!policy?.allow) throw forbidden("The approval policy of this request does not allow an admin override");
  if (request!.status !== "pending") throw conflict(`The request is ${request!.status}, not pending`);
  const [feature] = await db.select({ version: features.version }).from(features).where(eq(features.id, request!.featureId));
  if (feature!.version !== request!.baseFeatureVersion) await invalidate(deps, principal, request!, feature!.version);
  const now = deps.now();
  await commit(deps, {
    actor: principal,
    statements: [
      db.update(approvalRequests).set({ status: "approved", decidedAt: now })
        .where(and(eq(approvalRequests.id, request!.id), eq(approvalRequests.status, "pending"))),
      ...(votes.some((v) => v.userId === principal.userId) ? []
        : [db.insert(approvalVotes).values({ requestId: request!.id, userId: principal.userId, vote: "approve", comment: input.reason, createdAt: now })]),
    ],
    audit: [{
      teamId, action: "approval_request.admin_override", entityType: "approval_request", entityId: request!.id,
      before: { status: "pending", approvals: votes.length }, after: { status: "approved", requiredApprovals: request!.requiredApprovals },
      reason: input.reason,
    }],
  });
  // A concurrent rejection or cancellation may have won the race: then nothing more happens.
  const [current] = await db.select({ status: approvalRequests.status }).from(approvalRequests).where(eq(approvalRequests.id, request!.id));
  if (current!.status !== "approved") throw conflict(`The request is ${current!.status}, not pending`);
  return concludeApproval(deps, principal, { ...request!, status: "approved" }, [], {
    status: "approved", action: "approval_request.held_by_freeze", reason: `admin override: ${input.reason}`, freezeOverrideReason: input.freezeOverrideReason,
  });
}
