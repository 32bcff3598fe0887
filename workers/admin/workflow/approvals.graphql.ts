// Delivery governance: approval policies (and their preview), the stage workflow (deploy / rollback
// requests, their votes, admin overrides) and freeze windows. Thin: every rule lives in the services.
import {
  createApprovalPolicy, deleteApprovalPolicy, listApprovalPolicies, updateApprovalPolicy,
} from "../governance/approval-policies";
import { adminOverrideApprove } from "./approval-override";
import { previewApprovalPolicy, type ApprovalPreview } from "../governance/approval-preview";
import { requestRulesChange } from "../configuration/rules-change";
import { createFreezeWindow, deleteFreezeWindow, listActiveFreezeWindows, listFreezeWindows, updateFreezeWindow } from "../governance/freeze-windows";
import {
  applyApprovalRequest, approveRequest, cancelApprovalRequest, getApprovalRequest, listApprovalRequests, rejectRequest,
  requestStageChange, votesOf, type RequestRow, type StageChangeResult,
} from "./stage-workflow";
import { withoutNulls } from "../graphql/inputs";
import { stripNulls } from "../configuration/targeting.graphql";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  enum ApprovalPolicyScope { all production_only specific }

  "Protects the environments it covers: changes there need approvals (see docs/ROLES.md)."
  type ApprovalPolicy {
    id: ID!
    teamId: ID!
    name: String!
    appliesTo: ApprovalPolicyScope!
    "For appliesTo = specific."
    environmentIds: [ID!]!
    requiredApprovals: Int!
    eligibleRoles: [TeamRole!]!
    eligibleUserIds: [ID!]!
    enabled: Boolean!
    "A pending request nobody rejected is approved automatically after this many hours (null: never)."
    autoApproveAfterHours: Int
    "A team admin may approve a request alone, with a reason (adminOverrideApprove)."
    allowAdminOverride: Boolean!
    "Holders of eligibleRoles stay eligible when users are listed (off: only the listed users still available)."
    fallbackToRoles: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  input CreateApprovalPolicyInput {
    teamId: ID!
    name: String!
    appliesTo: ApprovalPolicyScope!
    environmentIds: [ID!]
    "1..10, default 1."
    requiredApprovals: Int
    "Default [approver, team_admin]."
    eligibleRoles: [TeamRole!]
    eligibleUserIds: [ID!]
    enabled: Boolean
    "1..720; default null (never)."
    autoApproveAfterHours: Int
    "Default false."
    allowAdminOverride: Boolean
    "Default true."
    fallbackToRoles: Boolean
  }

  input UpdateApprovalPolicyInput {
    id: ID!
    name: String
    appliesTo: ApprovalPolicyScope
    environmentIds: [ID!]
    requiredApprovals: Int
    eligibleRoles: [TeamRole!]
    eligibleUserIds: [ID!]
    enabled: Boolean
    "null clears it."
    autoApproveAfterHours: Int
    allowAdminOverride: Boolean
    fallbackToRoles: Boolean
  }

  "auto_approved: approved by the policy's autoApproveAfterHours and held by a freeze window (applied ones are applied)."
  enum ApprovalStatus { pending approved rejected cancelled applied invalidated auto_approved }

  type ApprovalVote {
    userId: ID!
    vote: String!
    comment: String!
    createdAt: DateTime!
  }

  "A proposed change awaiting votes. Its approvers were fixed when it was made."
  type ApprovalRequest {
    id: ID!
    teamId: ID!
    policyId: ID
    featureId: ID!
    environmentId: ID!
    "deploy, rollback, rules_change or version_rollback."
    action: String!
    payload: JSON!
    "The feature version the request was made against: a later edit invalidates it."
    baseFeatureVersion: Int!
    requiredApprovals: Int!
    eligibleUserIds: [ID!]!
    status: ApprovalStatus!
    requestedBy: ID!
    comment: String!
    createdAt: DateTime!
    decidedAt: DateTime
    "When it is approved automatically unless rejected first (null: never)."
    autoApproveAt: DateTime
    votes: [ApprovalVote!]!
  }

  type ApprovalRequestConnection {
    nodes: [ApprovalRequest!]!
    pageInfo: PageInfo!
  }

  "The outcome of a deploy / rollback request: applied at once (request null) or awaiting approval."
  type StageChangeResult {
    stageId: ID!
    "The stage status now (DEPLOYED / ROLLED_BACK when applied, *_REQUESTED when awaiting approval)."
    status: String!
    request: ApprovalRequest
  }

  "NONE: once; DAILY / WEEKLY: the first occurrence's wall-clock span repeats in the window's timezone."
  enum FreezeRecurrence { NONE DAILY WEEKLY }

  "No change reaches the covered environments in [startsAt, endsAt) (or its repetitions) without an admin override."
  type FreezeWindow {
    id: ID!
    teamId: ID!
    name: String!
    environmentId: ID
    environmentType: String
    "The first occurrence."
    startsAt: DateTime!
    endsAt: DateTime!
    "IANA zone, e.g. Europe/Paris."
    timezone: String!
    recurrence: FreezeRecurrence!
    reason: String!
    createdAt: DateTime!
  }

  "A freeze window in force, with the occurrence in force."
  type ActiveFreezeWindow {
    window: FreezeWindow!
    startsAt: DateTime!
    endsAt: DateTime!
  }

  enum ApprovalChangeType { deploy rollback rules_change version_rollback }
  enum ApprovalPreviewOutcome { NOT_REQUIRED REQUIRES_APPROVAL AUTO_APPROVED BLOCKED }

  "What would happen to a change if the caller requested it now (the workflow's own rules)."
  type ApprovalPolicyPreview {
    outcome: ApprovalPreviewOutcome!
    "The policy that governs the environment, if any."
    policy: ApprovalPolicy
    requiredApprovals: Int!
    "Who would be asked (the caller excluded)."
    eligibleApproverIds: [ID!]!
    "Freeze windows in force over the environment."
    freezeWindows: [ActiveFreezeWindow!]!
    reason: String!
  }

  input CreateFreezeWindowInput {
    teamId: ID!
    name: String!
    "Exactly one of environmentId and environmentType."
    environmentId: ID
    environmentType: String
    startsAt: DateTime!
    endsAt: DateTime!
    reason: String
    "Default UTC."
    timezone: String
    "Default NONE. A recurring window lasts less than its period."
    recurrence: FreezeRecurrence
  }

  "Omitted fields stay. One target given replaces the other (environmentId or environmentType)."
  input UpdateFreezeWindowInput {
    id: ID!
    name: String
    environmentId: ID
    environmentType: String
    startsAt: DateTime
    endsAt: DateTime
    reason: String
    timezone: String
    recurrence: FreezeRecurrence
  }

  extend type Query {
    approvalPolicies(teamId: ID!): [ApprovalPolicy!]!
    approvalRequests(teamId: ID!, status: ApprovalStatus, first: Int = 25, after: String): ApprovalRequestConnection!
    approvalRequest(id: ID!): ApprovalRequest!
    "Freeze windows that have not ended yet."
    freezeWindows(teamId: ID!): [FreezeWindow!]!
    "Freeze windows in force now, with their current occurrence."
    activeFreezeWindows(teamId: ID!): [ActiveFreezeWindow!]!
    "requestedStatus: optionally the stage status a deploy / rollback asks for (e.g. DEPLOYMENT_REQUESTED)."
    approvalPolicyPreview(teamId: ID!, environmentId: ID!, changeType: ApprovalChangeType!, requestedStatus: String): ApprovalPolicyPreview!
  }

  extend type Mutation {
    createApprovalPolicy(input: CreateApprovalPolicyInput!): ApprovalPolicy!
    updateApprovalPolicy(input: UpdateApprovalPolicyInput!): ApprovalPolicy!
    deleteApprovalPolicy(id: ID!): ApprovalPolicy!
    """
    Deploys the stage: directly for a team admin where no policy applies, else as an approval request.
    freezeOverrideReason: team admins only, during a freeze window (audited).
    """
    requestDeploy(stageId: ID!, comment: String, freezeOverrideReason: String): StageChangeResult!
    "Rolls the stage back, with the same rules as requestDeploy."
    requestRollback(stageId: ID!, comment: String, freezeOverrideReason: String): StageChangeResult!
    "Proposes a stage's whole ordered rules list for approval (the way to change rules in a protected environment)."
    requestRulesChange(stageId: ID!, rules: [RuleInput!]!, comment: String): ApprovalRequest!
    "An eligible approver's approval (never the requester's); the last required one applies the change."
    approveRequest(requestId: ID!, comment: String, freezeOverrideReason: String): ApprovalRequest!
    "One rejection rejects the request."
    rejectRequest(requestId: ID!, comment: String): ApprovalRequest!
    "Applies a request approved during a freeze window."
    applyApprovalRequest(requestId: ID!, freezeOverrideReason: String): ApprovalRequest!
    cancelApprovalRequest(id: ID!): ApprovalRequest!
    "A team admin approves a pending request alone where its policy allowAdminOverride; reason required (audited)."
    adminOverrideApprove(requestId: ID!, reason: String, freezeOverrideReason: String): ApprovalRequest!
    createFreezeWindow(input: CreateFreezeWindowInput!): FreezeWindow!
    "Team admins. The edited window is checked as a new one would be."
    updateFreezeWindow(input: UpdateFreezeWindowInput!): FreezeWindow!
    deleteFreezeWindow(id: ID!): FreezeWindow!
  }
`;

const occurrenceView = (active: { window: unknown; occurrence: { startsAt: Date; endsAt: Date } }) =>
  ({ window: active.window, startsAt: active.occurrence.startsAt, endsAt: active.occurrence.endsAt });
const previewView = ({ activeFreezes, eligibleApproverIds, ...preview }: ApprovalPreview) => ({
  ...preview, eligibleApproverIds, freezeWindows: activeFreezes.map((freeze) => occurrenceView({ window: freeze, occurrence: freeze.occurrence })),
});

const stageResult = (result: StageChangeResult) => ({ stageId: result.stage.id, status: result.stage.status, request: result.request });

export const resolvers: ModuleResolvers = {
  ApprovalRequest: {
    votes: (request: RequestRow, _args, ctx) => votesOf(ctx.deps, request.id),
  },
  Query: {
    approvalPolicies: async (_p, args: { teamId: string }, ctx) => listApprovalPolicies(ctx.deps, await ctx.principal(), args.teamId),
    approvalRequests: async (_p, args: { teamId: string; status?: string | null; first?: number; after?: string }, ctx) =>
      listApprovalRequests(ctx.deps, await ctx.principal(), args.teamId, { status: args.status }, args),
    approvalRequest: async (_p, args: { id: string }, ctx) => getApprovalRequest(ctx.deps, await ctx.principal(), args.id),
    freezeWindows: async (_p, args: { teamId: string }, ctx) => listFreezeWindows(ctx.deps, await ctx.principal(), args.teamId),
    activeFreezeWindows: async (_p, args: { teamId: string }, ctx) =>
      (await listActiveFreezeWindows(ctx.deps, await ctx.principal(), args.teamId)).map(occurrenceView),
    approvalPolicyPreview: async (_p, args: Record<string, unknown>, ctx) =>
      previewView(await previewApprovalPolicy(ctx.deps, await ctx.principal(), withoutNulls(args))),
  },
  Mutation: {
    createApprovalPolicy: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createApprovalPolicy(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    updateApprovalPolicy: async (_p, args: { input: Record<string, unknown> }, ctx) => updateApprovalPolicy(ctx.deps, await ctx.principal(), {
      ...withoutNulls(args.input),
      // An explicit null turns auto-approval off.
      ...(args.input.autoApproveAfterHours === null ? { autoApproveAfterHours: null } : {}),
    }),
    deleteApprovalPolicy: async (_p, args: { id: string }, ctx) => deleteApprovalPolicy(ctx.deps, await ctx.principal(), args.id),
    requestDeploy: async (_p, args: Record<string, unknown>, ctx) =>
      stageResult(await requestStageChange(ctx.deps, await ctx.principal(), "deploy", withoutNulls(args))),
    requestRollback: async (_p, args: Record<string, unknown>, ctx) =>
      stageResult(await requestStageChange(ctx.deps, await ctx.principal(), "rollback", withoutNulls(args))),
    requestRulesChange: async (_p, args: Record<string, unknown>, ctx) =>
      requestRulesChange(ctx.deps, await ctx.principal(), stripNulls(withoutNulls(args))),
    approveRequest: async (_p, args: Record<string, unknown>, ctx) => approveRequest(ctx.deps, await ctx.principal(), withoutNulls(args)),
    rejectRequest: async (_p, args: Record<string, unknown>, ctx) => rejectRequest(ctx.deps, await ctx.principal(), withoutNulls(args)),
    applyApprovalRequest: async (_p, args: Record<string, unknown>, ctx) =>
      applyApprovalRequest(ctx.deps, await ctx.principal(), withoutNulls(args)),
    cancelApprovalRequest: async (_p, args: { id: string }, ctx) => cancelApprovalRequest(ctx.deps, await ctx.principal(), args.id),
    adminOverrideApprove: async (_p, args: Record<string, unknown>, ctx) => adminOverrideApprove(ctx.deps, await ctx.principal(), withoutNulls(args)),
    createFreezeWindow: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createFreezeWindow(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    updateFreezeWindow: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      updateFreezeWindow(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    deleteFreezeWindow: async (_p, args: { id: string }, ctx) => deleteFreezeWindow(ctx.deps, await ctx.principal(), args.id),
  },
};
