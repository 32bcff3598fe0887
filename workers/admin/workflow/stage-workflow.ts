// The stage state machine and its approval requests.
//
//   NOT_DEPLOYED / DEPLOYMENT_REJECTED / ROLLED_BACK --requestDeploy--> DEPLOYMENT_REQUESTED
//       --approve--> DEPLOYED   --reject--> DEPLOYMENT_REJECTED
//   DEPLOYED / ROLLBACK_REJECTED --requestRollback--> ROLLBACK_REQUESTED
//       --approve--> ROLLED_BACK --reject--> ROLLBACK_REJECTED
//
// Fixing the original's dead ends (inventory §9 item 13): in an environment no policy covers, a
// team admin (or system admin) deploys / rolls back directly, and a requester's request is
// decided by the team's admins. In a protected environment every change is a request, whoever
// asks. A request freezes its eligible approvers (user ids, the requester excluded: no
// self-approval); one rejection rejects; the last required approval applies the change in the
// same D1 batch (then publishes). A request records the feature version it was made against: if
// the feature changed since, it is invalidated instead of applied. An active freeze window stops
// the application (the request stays `approved`) until it ends or an admin applies it with an
// override reason.
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import {
  APPROVAL_STATUSES, approvalRequests, approvalVotes, environments, featureStages, features, type StageStatus, type TeamRole,
  LIVE_STAGE_STATUSES,
} from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { announceApprovalRequest } from "../notifications/announce";
import { authorizeEntity, requireTeamMember, type Principal } from "../identity/authz";
import { checkFreeze, type FreezeOverride } from "./change-guard";
import { commit, type Statement } from "../core/commit";
import { approversFor } from "../governance/approvers";
import type { ControlDeps } from "../core/deps";
import { ControlError, conflict, forbidden } from "../core/errors";
import { featureSnapshot, loadFeatureState, type FeatureState, type StageState } from "../configuration/feature-state";
import { governanceOf, type PolicyRow } from "../governance/governance";
import { approvalRejected, stageApplied, stageChangeApproved, stageChangeRequested } from "../notifications/catalog";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { parseInput } from "../core/validation";

export type StageAction = "deploy" | "rollback";
export type RequestRow = typeof approvalRequests.$inferSelect;

export const INVALIDATED = "INVALIDATED";

const TRANSITIONS: Record<StageAction, { from: StageStatus[]; requested: StageStatus; rejected: StageStatus; done: StageStatus }> = {
  deploy: { from: ["NOT_DEPLOYED", "DEPLOYMENT_REJECTED", "ROLLED_BACK"], requested: "DEPLOYMENT_REQUESTED", rejected: "DEPLOYMENT_REJECTED", done: "DEPLOYED" },
  rollback: { from: ["DEPLOYED", "ROLLBACK_REJECTED"], requested: "ROLLBACK_REQUESTED", rejected: "ROLLBACK_REJECTED", done: "ROLLED_BACK" },
};

/** Who may ask for a deploy or rollback. */
export const REQUEST_ROLES: readonly TeamRole[] = ["team_admin", "requester"];

const requestInput = z.object({
  stageId: z.string().min(1),
  comment: z.string().trim().max(1000).default(""),
  freezeOverrideReason: z.string().nullish(),
}).strict();

const voteInput = z.object({
  requestId: z.string().min(1),
  comment: z.string().trim().max(1000).default(""),
  freezeOverrideReason: z.string().nullish(),
}).strict();

export interface StageChangeResult {
  stage: StageState;
  /** The approval request created, or null when the change was applied directly. */
  request: RequestRow | null;
}

export const isAdminOf = (principal: Principal, teamId: string) =>
  principal.isSystemAdmin || principal.memberships.get(teamId) === "team_admin";

async function stageOf(deps: ControlDeps, principal: Principal, stageId: string, allowed: readonly TeamRole[]) {
  const teamId = await authorizeEntity(deps, principal, "featureStage", stageId, allowed);
  const [row] = await deps.db.select({ featureId: featureStages.featureId }).from(featureStages).where(eq(featureStages.id, stageId));
  const state = await loadFeatureState(deps, row!.featureId);
  return { teamId, state, stage: state.stages.find((s) => s.id === stageId)! };
}

export async function requestStageChange(deps: ControlDeps, principal: Principal, action: StageAction, raw: unknown): Promise<StageChangeResult> {
  const input = parseInput(requestInput, raw, "");
  const { teamId, state, stage } = await stageOf(deps, principal, input.stageId, REQUEST_ROLES);
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(stage.status)) {
    throw conflict(`A ${action} cannot be requested while the stage is ${stage.status}`);
  }
  if (action === "deploy") await assertPrerequisitesLive(deps, state, stage);
  const governance = await governanceOf(deps, teamId, stage.environmentId);
  if (!governance.policy && isAdminOf(principal, teamId)) {
    const override = checkFreeze(governance, principal, teamId, input.freezeOverrideReason);
    const next = await applyStatus(deps, principal, state, stage, transition.done, [], override, input.comment || null);
    return { stage: next, request: null };
  }
  const now = deps.now();
  const request = await createApprovalRequest(deps, principal, {
    teamId, policy: governance.policy, state, environmentId: stage.environmentId, action,
    payload: { stageId: stage.id, previousStatus: stage.status }, comment: input.comment,
    statements: [deps.db.update(featureStages).set({ status: transition.requested, requestedBy: principal.userId, requestedAt: now, updatedAt: now })
      .where(eq(featureStages.id, stage.id))],
    audit: { entityType: "feature_stage", entityId: stage.id, action: `stage.request_${action}`, before: { status: stage.status }, after: { status: transition.requested } },
  });
  return { stage: { ...stage, status: transition.requested }, request };
}

/** Stage statuses in which a feature is live in its environment (a pending rollback still is). */
const LIVE: ReadonlySet<StageStatus> = new Set(LIVE_STAGE_STATUSES);

/** A feature deploys to an environment only where its prerequisites are live (as the original required). */
async function assertPrerequisitesLive(deps: ControlDeps, state: FeatureState, stage: StageState): Promise<void> {
  if (state.prerequisites.length === 0) return;
  const rows = await deps.db.select({ featureId: featureStages.featureId, status: featureStages.status }).from(featureStages)
    .where(and(eq(featureStages.environmentId, stage.environmentId),
      inArray(featureStages.featureId, state.prerequisites.map((p) => p.requiredFeatureId))));
  for (const prerequisite of state.prerequisites) {
    const row = rows.find((r) => r.featureId === prerequisite.requiredFeatureId);
    if (!row || !LIVE.has(row.status)) {
      throw conflict(`Deploy blocked: the prerequisite ${prerequisite.requiredKey} is not deployed in ${stage.environmentKey}`);
    }
  }
}

export interface NewRequest {
  teamId: string;
  /** Null: no policy covers the environment; the team admins decide. */
  policy: PolicyRow | null;
  state: FeatureState;
  environmentId: string;
  action: RequestRow["action"];
  payload: JsonValue;
  comment: string;
  /** Committed in the same batch as the request. */
  statements?: Statement[];
  audit: { entityType: string; entityId: string; action: string; before: JsonValue; after: JsonValue };
}

/**
 * Creates a pending approval request with its approvers frozen now (the requester excluded), or
 * CONFLICT when fewer eligible approvers exist than it needs (never a request nobody can decide).
 */
export async function createApprovalRequest(deps: ControlDeps, principal: Principal, input: NewRequest): Promise<RequestRow> {
  const { eligible, required } = await approversFor(deps, input.teamId, input.policy, principal.userId);
  const createdAt = deps.now();
  const autoHours = input.policy?.autoApproveAfterHours ?? null;
  const request: RequestRow = {
    id: crypto.randomUUID(), teamId: input.teamId, policyId: input.policy?.id ?? null, featureId: input.state.feature.id,
    environmentId: input.environmentId, action: input.action, payload: input.payload,
    baseFeatureVersion: input.state.feature.version, requiredApprovals: required, eligibleUserIds: eligible, status: "pending",
    requestedBy: principal.userId, comment: input.comment, createdAt, decidedAt: null,
    autoApproveAt: autoHours === null ? null : new Date(createdAt.getTime() + autoHours * 3_600_000),
  };
  const after = input.audit.after && typeof input.audit.after === "object" && !Array.isArray(input.audit.after) ? input.audit.after : { value: input.audit.after };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(approvalRequests).values(request), ...(input.statements ?? [])],
    audit: [{
      teamId: input.teamId, action: input.audit.action, entityType: input.audit.entityType, entityId: input.audit.entityId,
      before: input.audit.before, after: { ...after, requestId: request.id, eligibleUserIds: eligible },
    }],
    notifications: [stageChangeRequested(request, input.state.feature.key, environmentKeyOf(input.state, input.environmentId), principal.username, request.createdAt)],
  });
  await announceApprovalRequest(deps, request, input.state.feature.key, "pending", request.createdAt);
  return request;
}

const environmentKeyOf = (state: FeatureState, environmentId: string) =>
  state.stages.find((s) => s.environmentId === environmentId)?.environmentKey ?? environmentId;

/** Writes the stage's new status (plus `extra`), a feature version and the audit row; publishes. */
async function applyStatus(
  deps: ControlDeps, principal: Principal, state: FeatureState, stage: StageState, status: StageStatus, extra: Statement[],
  override: FreezeOverride | null, comment: string | null, expectedVersion = state.feature.version, request: RequestRow | null = null,
): Promise<StageState> {
  const now = deps.now();
  const nextStage: StageState = { ...stage, status, decidedBy: principal.userId, decidedAt: now };
  const after: FeatureState = { ...state, stages: state.stages.map((s) => (s.id === stage.id ? nextStage : s)) };
  await commit(deps, {
    actor: principal,
    statements: [
      deps.db.update(featureStages).set({ status, decidedBy: principal.userId, decidedAt: now, updatedAt: now }).where(eq(featureStages.id, stage.id)),
      ...extra,
    ],
    audit: [{
      teamId: state.feature.teamId, action: status === "DEPLOYED" ? "stage.deploy" : "stage.rollback", entityType: "feature_stage",
      entityId: stage.id, before: { status: stage.status }, after: { status },
      reason: override ? `freeze override: ${override.reason}` : comment,
    }],
    featureVersion: {
      featureId: state.feature.id, expectedVersion, snapshot: featureSnapshot(after),
      summary: `${stage.environmentKey}: ${status}`, source: "update",
    },
    publish: [stage.environmentId],
    notifications: [
      stageApplied(state.feature, stage, status as "DEPLOYED" | "ROLLED_BACK", principal.username, now),
      ...(request ? [stageChangeApproved(request, state.feature.key, stage.environmentKey, principal.username, now)] : []),
    ],
  });
  return nextStage;
}

async function openRequest(deps: ControlDeps, principal: Principal, requestId: string) {
  const teamId = await authorizeEntity(deps, principal, "approvalRequest", requestId, ["team_admin", "approver", "requester", "viewer"]);
  const [request] = await deps.db.select().from(approvalRequests).where(eq(approvalRequests.id, requestId));
  return { teamId, request: request! };
}

/** Announces a request's new status when its feature's key is not at hand (one lookup). */
async function announceStatus(deps: ControlDeps, request: RequestRow, status: RequestRow["status"]): Promise<void> {
  const [feature] = await deps.db.select({ key: features.key }).from(features).where(eq(features.id, request.featureId));
  await announceApprovalRequest(deps, request, feature?.key ?? "", status, deps.now());
}

/** Marks the request invalidated (the feature changed since it was made) and reports CONFLICT. */
export async function invalidate(deps: ControlDeps, principal: Principal, request: RequestRow, currentVersion: number): Promise<never> {
  const stageId = (request.payload as { stageId: string }).stageId;
  const previous = (request.payload as { previousStatus?: StageStatus }).previousStatus;
  const statements: Statement[] = [
    deps.db.update(approvalRequests).set({ status: "invalidated", decidedAt: deps.now() })
      .where(and(eq(approvalRequests.id, request.id), inArray(approvalRequests.status, ["pending", "approved", "auto_approved"]))),
  ];
  if (previous) statements.push(deps.db.update(featureStages).set({ status: previous }).where(eq(featureStages.id, stageId)));
  await commit(deps, {
    actor: principal, statements,
    audit: [{
      teamId: request.teamId, action: "approval_request.invalidate", entityType: "approval_request", entityId: request.id,
      before: { status: request.status, baseFeatureVersion: request.baseFeatureVersion },
      after: { status: "invalidated", featureVersion: currentVersion },
    }],
  });
  await announceStatus(deps, request, "invalidated");
  throw new ControlError("CONFLICT",
    `The feature changed since this request was made (version ${request.baseFeatureVersion} -> ${currentVersion}); the request is invalidated, request the change again`,
    { reason: INVALIDATED });
}

export async function approveRequest(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RequestRow> {
  return vote(deps, principal, "approve", parseInput(voteInput, raw, ""));
}

export async function rejectRequest(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RequestRow> {
  return vote(deps, principal, "reject", parseInput(voteInput, raw, ""));
}

async function vote(deps: ControlDeps, principal: Principal, choice: "approve" | "reject", input: z.output<typeof voteInput>): Promise<RequestRow> {
  const { teamId, request } = await openRequest(deps, principal, input.requestId);
  if (request.requestedBy === principal.userId) throw forbidden("Nobody may approve or reject their own request");
  if (!request.eligibleUserIds.includes(principal.userId)) throw forbidden("You are not an eligible approver of this request");
  if (request.status !== "pending") throw conflict(`The request is ${request.status}, not pending`);
  const [votes, [feature], [environment]] = await deps.db.batch([
    deps.db.select().from(approvalVotes).where(eq(approvalVotes.requestId, request.id)),
    deps.db.select({ version: features.version, key: features.key }).from(features).where(eq(features.id, request.featureId)),
    deps.db.select({ key: environments.key }).from(environments).where(eq(environments.id, request.environmentId)),
  ]);
  if (votes.some((v) => v.userId === principal.userId)) throw conflict("You already voted on this request");
  if (feature!.version !== request.baseFeatureVersion) await invalidate(deps, principal, request, feature!.version);
  const now = deps.now();
  const voteRow = deps.db.insert(approvalVotes).values({ requestId: request.id, userId: principal.userId, vote: choice, comment: input.comment, createdAt: now });
  if (choice === "reject") {
    const statements: Statement[] = [
      voteRow,
      deps.db.update(approvalRequests).set({ status: "rejected", decidedAt: now }).where(and(eq(approvalRequests.id, request.id), eq(approvalRequests.status, "pending"))),
    ];
    // Deploy / rollback requests move their stage; other actions (rules, version rollback) never touched it.
    const transition = TRANSITIONS[request.action as StageAction] as (typeof TRANSITIONS)[StageAction] | undefined;
    if (transition) {
      const stageId = (request.payload as { stageId: string }).stageId;
      statements.push(deps.db.update(featureStages).set({ status: transition.rejected, decidedBy: principal.userId, decidedAt: now, updatedAt: now })
        .where(eq(featureStages.id, stageId)));
    }
    await commit(deps, {
      actor: principal,
      statements,
      audit: [{
        teamId, action: "approval_request.reject", entityType: "approval_request", entityId: request.id,
        before: { status: "pending" }, after: { status: "rejected" }, reason: input.comment || null,
      }],
      notifications: [approvalRejected(request, feature!.key, environment?.key ?? request.environmentId, principal.username, now)],
    });
    await announceStatus(deps, request, "rejected");
    return { ...request, status: "rejected", decidedAt: now };
  }
  const approvals = votes.filter((v) => v.vote === "approve").length + 1;
  let pendingVote: Statement[] = [voteRow];
  if (approvals < request.requiredApprovals) {
    await commit(deps, {
      actor: principal, statements: [voteRow],
      audit: [{
        teamId, action: "approval_request.approve", entityType: "approval_request", entityId: request.id,
        before: { approvals: approvals - 1 }, after: { approvals }, reason: input.comment || null,
      }],
    });
    // Approvers voting at the same moment each saw the other's vote missing: whoever finds the
    // threshold reached after recording their vote applies the change (the version race keeps it single).
    const recorded = await deps.db.select({ vote: approvalVotes.vote }).from(approvalVotes).where(eq(approvalVotes.requestId, request.id));
    if (recorded.filter((v) => v.vote === "approve").length < request.requiredApprovals) return request;
    pendingVote = [];
  }
  return concludeApproval(deps, principal, request, pendingVote, {
    status: "approved", action: "approval_request.approve", reason: input.comment || null, freezeOverrideReason: input.freezeOverrideReason,
  });
}

export interface Conclusion {
  /** `approved` after the required votes or an admin override, `auto_approved` by the cron job. */
  status: "approved" | "auto_approved";
  action: string;
  reason: string | null;
  freezeOverrideReason?: string | null;
}

/**
 * An approved request: applied now unless a freeze window stops it (it then keeps `status` until
 * someone applies it). `pending` holds statements (the deciding vote) committed with either outcome.
 */
export async function concludeApproval(
  deps: ControlDeps, principal: Principal, request: RequestRow, pending: Statement[], conclusion: Conclusion,
): Promise<RequestRow> {
  const teamId = request.teamId;
  const now = deps.now();
  const state = await loadFeatureState(deps, request.featureId);
  const governance = await governanceOf(deps, teamId, request.environmentId);
  let override: FreezeOverride | null = null;
  try {
    override = checkFreeze(governance, principal, teamId, conclusion.freezeOverrideReason);
  } catch (error) {
    if (!(error instanceof ControlError) || error.code !== "CONFLICT") throw error;
    await commit(deps, {
      actor: principal,
      statements: [...pending, deps.db.update(approvalRequests).set({ status: conclusion.status, decidedAt: now }).where(eq(approvalRequests.id, request.id))],
      audit: [{
        teamId, action: conclusion.action, entityType: "approval_request", entityId: request.id,
        before: { status: request.status }, after: { status: conclusion.status, appliedLater: "frozen" }, reason: conclusion.reason,
      }],
      notifications: [stageChangeApproved(request, state.feature.key, environmentKeyOf(state, request.environmentId), principal.username, now)],
    });
    await announceApprovalRequest(deps, request, state.feature.key, conclusion.status, now);
    return { ...request, status: conclusion.status, decidedAt: now };
  }
  await applyRequest(deps, principal, request, state, pending, override);
  return { ...request, status: "applied", decidedAt: now };
}

/** Applies an `approved` request (held back by a freeze window). Team admins, the requester or an approver of it. */
export async function applyApprovalRequest(deps: ControlDeps, principal: Principal, raw: unknown): Promise<RequestRow> {
  const input = parseInput(z.object({ requestId: z.string().min(1), freezeOverrideReason: z.string().nullish() }).strict(), raw, "");
  const { teamId, request } = await openRequest(deps, principal, input.requestId);
  const mayApply = isAdminOf(principal, teamId) || request.requestedBy === principal.userId || request.eligibleUserIds.includes(principal.userId);
  if (!mayApply) throw forbidden("Only a team admin, the requester or an eligible approver may apply this request");
  if (request.status !== "approved" && request.status !== "auto_approved") throw conflict(`The request is ${request.status}, not approved`);
  const state = await loadFeatureState(deps, request.featureId);
  if (state.feature.version !== request.baseFeatureVersion) await invalidate(deps, principal, request, state.feature.version);
  const override = checkFreeze(await governanceOf(deps, teamId, request.environmentId), principal, teamId, input.freezeOverrideReason);
  await applyRequest(deps, principal, request, state, [], override);
  return { ...request, status: "applied", decidedAt: deps.now() };
}

/** The approved change, its request marked applied, in one batch against the request's base version. */
async function applyRequest(
  deps: ControlDeps, principal: Principal, request: RequestRow, state: FeatureState, extra: Statement[], override: FreezeOverride | null,
): Promise<void> {
  const markApplied = deps.db.update(approvalRequests).set({ status: "applied", decidedAt: deps.now() }).where(eq(approvalRequests.id, request.id));
  const applier = applyPayload[request.action];
  if (!applier) throw conflict(`Requests of type ${request.action} are applied by their own service`);
  await applier(deps, principal, state, request, [...extra, markApplied], override);
  await announceApprovalRequest(deps, request, state.feature.key, "applied", deps.now());
}

export type PayloadApplier = (
  deps: ControlDeps, principal: Principal, state: FeatureState, request: RequestRow, extra: Statement[], override: FreezeOverride | null,
) => Promise<unknown>;

function requestStage(state: FeatureState, request: RequestRow): StageState {
  const stage = state.stages.find((s) => s.id === (request.payload as { stageId: string }).stageId);
  if (!stage) throw conflict("The stage of this request no longer exists");
  return stage;
}

/** How each request action is applied; other services register theirs (version rollback, rules). */
export const applyPayload: Partial<Record<RequestRow["action"], PayloadApplier>> = {
  deploy: (deps, principal, state, request, extra, override) =>
    applyStatus(deps, principal, state, requestStage(state, request), "DEPLOYED", extra, override, request.comment || null, request.baseFeatureVersion, request),
  rollback: (deps, principal, state, request, extra, override) =>
    applyStatus(deps, principal, state, requestStage(state, request), "ROLLED_BACK", extra, override, request.comment || null, request.baseFeatureVersion, request),
};

/** Withdraws a pending or approved request; the stage returns to its previous status. Requester or team admin. */
export async function cancelApprovalRequest(deps: ControlDeps, principal: Principal, requestId: string): Promise<RequestRow> {
  const { teamId, request } = await openRequest(deps, principal, requestId);
  if (request.requestedBy !== principal.userId && !isAdminOf(principal, teamId)) throw forbidden("Only the requester or a team admin may cancel a request");
  if (!["pending", "approved", "auto_approved"].includes(request.status)) throw conflict(`The request is ${request.status}`);
  const { stageId, previousStatus } = request.payload as { stageId: string; previousStatus?: StageStatus };
  const statements: Statement[] = [deps.db.update(approvalRequests).set({ status: "cancelled", decidedAt: deps.now() }).where(eq(approvalRequests.id, requestId))];
  if (previousStatus) statements.push(deps.db.update(featureStages).set({ status: previousStatus }).where(eq(featureStages.id, stageId)));
  await commit(deps, {
    actor: principal, statements,
    audit: [{ teamId, action: "approval_request.cancel", entityType: "approval_request", entityId: requestId, before: { status: request.status }, after: { status: "cancelled" } }],
  });
  await announceStatus(deps, request, "cancelled");
  return { ...request, status: "cancelled" };
}

const listInput = z.object({ status: z.enum(APPROVAL_STATUSES).nullish() });

export async function listApprovalRequests(
  deps: ControlDeps, principal: Principal, teamId: string, filter: { status?: string | null }, page: PageArgs,
): Promise<Connection<RequestRow>> {
  requireTeamMember(principal, teamId);
  const { status } = parseInput(listInput, filter, "");
  const window = pageWindow(page);
  const rows = await deps.db.select().from(approvalRequests)
    .where(status ? and(eq(approvalRequests.teamId, teamId), eq(approvalRequests.status, status)) : eq(approvalRequests.teamId, teamId))
    .orderBy(desc(approvalRequests.createdAt), asc(approvalRequests.id)).limit(window.limit + 1).offset(window.offset);
  return toConnection(rows, window);
}

export async function getApprovalRequest(deps: ControlDeps, principal: Principal, id: string): Promise<RequestRow> {
  return (await openRequest(deps, principal, id)).request;
}

export async function votesOf(deps: ControlDeps, requestId: string) {
  return deps.db.select().from(approvalVotes).where(eq(approvalVotes.requestId, requestId)).orderBy(asc(approvalVotes.createdAt));
}

