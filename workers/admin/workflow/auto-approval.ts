// Auto-approval (policy autoApproveAfterHours): a pending request nobody rejected (one rejection
// rejects it, so pending means none) is approved by the system once its autoApproveAt passes —
// status auto_approved, audited — and then applied exactly like a last approval: unless a freeze
// window covers its environment (it then stays auto_approved until someone applies it), and only
// if the feature has not changed since the request (else invalidated). Run by the cron job
// workers/admin/jobs/auto-approval.ts. Fixes the original, whose auto-approval never moved the stage.
import { and, asc, eq, lte } from "drizzle-orm";
import { approvalRequests, features } from "../../../db/schema";
import type { Principal } from "../identity/authz";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { concludeApproval, invalidate, type RequestRow } from "./stage-workflow";

/** Requests handled per run; the rest wait for the next minute. */
export const AUTO_APPROVAL_BATCH = 50;

/**
 * The system as the deciding principal: no user (audit rows name "system", decidedBy stays null),
 * no memberships and not a system admin, so it can never override a freeze window.
 */
const SYSTEM_PRINCIPAL: Principal = {
  userId: null as unknown as string, username: "system", isSystemAdmin: false, mustChangePassword: false, sessionId: "", memberships: new Map(),
};

export interface AutoApprovalOutcome {
  requestId: string;
  status: RequestRow["status"] | "skipped" | "failed";
}

export async function autoApproveDue(deps: ControlDeps): Promise<AutoApprovalOutcome[]> {
  const now = deps.now();
  const due = await deps.db.select().from(approvalRequests)
    .where(and(eq(approvalRequests.status, "pending"), lte(approvalRequests.autoApproveAt, now)))
    .orderBy(asc(approvalRequests.autoApproveAt), asc(approvalRequests.id)).limit(AUTO_APPROVAL_BATCH);
  const outcomes: AutoApprovalOutcome[] = [];
  for (const request of due) {
    try {
      outcomes.push({ requestId: request.id, status: await autoApprove(deps, request) });
    } catch (error) {
      console.error(`auto-approval of request ${request.id} failed`, error);
      outcomes.push({ requestId: request.id, status: "failed" });
    }
  }
  return outcomes;
}

async function autoApprove(deps: ControlDeps, request: RequestRow): Promise<AutoApprovalOutcome["status"]> {
  const { db } = deps;
  const now = deps.now();
  const hours = Math.round((request.autoApproveAt!.getTime() - request.createdAt.getTime()) / 3_600_000);
  await commit(deps, {
    actor: SYSTEM_PRINCIPAL,
    statements: [db.update(approvalRequests).set({ status: "auto_approved", decidedAt: now })
      .where(and(eq(approvalRequests.id, request.id), eq(approvalRequests.status, "pending")))],
    audit: [{
      teamId: request.teamId, action: "approval_request.auto_approve", entityType: "approval_request", entityId: request.id,
      before: { status: "pending" }, after: { status: "auto_approved" }, reason: `no rejection within ${hours} hour(s)`,
    }],
  });
  const [[current], [feature]] = await db.batch([
    db.select({ status: approvalRequests.status }).from(approvalRequests).where(eq(approvalRequests.id, request.id)),
    db.select({ version: features.version }).from(features).where(eq(features.id, request.featureId)),
  ]);
  if (current!.status !== "auto_approved") return "skipped"; // decided meanwhile by a person
  const approved: RequestRow = { ...request, status: "auto_approved", decidedAt: now };
  if (feature!.version !== request.baseFeatureVersion) {
    await invalidate(deps, SYSTEM_PRINCIPAL, approved, feature!.version).catch(() => undefined);
    return "invalidated";
  }
  const result = await concludeApproval(deps, SYSTEM_PRINCIPAL, approved, [], {
    status: "auto_approved", action: "approval_request.held_by_freeze", reason: `auto-approved after ${hours} hour(s)`,
  });
  return result.status;
}
