// Scheduled changes: enable / disable a feature, set a rule's rollout, request a stage's deploy or
// rollback, or archive the feature at a given time; rescheduled or cancelled while pending.
import { cancelScheduledChange, createScheduledChange, listScheduledChanges, rescheduleScheduledChange } from "./schedules";
import { withoutNulls } from "../graphql/inputs";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  """
  enable: release the feature's kill switch; disable: engage it (every environment);
  set_rollout: set the percentage of one rule; kill_switch_rollback: the automatic re-enable of
  emergencyDisableFeature(rollbackInMinutes); stage_change: request a deploy or rollback of one
  stage as its creator (as requestDeploy / requestRollback would at that time: an approval request
  in a protected environment); archive_feature: archive the feature (blocked while unarchived
  features require it).
  """
  enum ScheduledAction { enable disable set_rollout kill_switch_rollback stage_change archive_feature }
  """
  done: applied (or moot: result says why); blocked: refused at run time by the domain (dependents,
  a freeze, the stage's state, an approval it would need); failed: it could no longer run (its
  rule, stage or creator is gone, or the creator lost the role).
  """
  enum ScheduleStatus { pending done cancelled failed blocked }
  enum StageChangeKind { deploy rollback }

  type ScheduledChange {
    id: ID!
    teamId: ID!
    featureId: ID!
    "The environment whose Durable Object runs it (and that set_rollout changes)."
    environmentId: ID
    action: ScheduledAction!
    payload: JSON!
    runAt: DateTime!
    "The IANA zone the creator chose runAt in (display only: runAt is the instant that runs)."
    timezone: String
    status: ScheduleStatus!
    "What happened when it ran (or why it was skipped / failed)."
    result: String
    createdBy: ID
    createdAt: DateTime!
    executedAt: DateTime
  }

  input CreateScheduledChangeInput {
    featureId: ID!
    "enable, disable or set_rollout."
    action: ScheduledAction!
    "In the future, at most a year ahead."
    runAt: DateTime!
    "set_rollout: the rule (serving a variant or a rollout)."
    ruleId: ID
    "set_rollout: 0..100."
    percentage: Float
    "stage_change: the stage (of this feature)."
    stageId: ID
    "stage_change: deploy or rollback."
    stageChange: StageChangeKind
    "stage_change: the request's comment (default: the scheduled change's id)."
    comment: String
    "An IANA time zone (e.g. Europe/Paris), recorded for display."
    timezone: String
  }

  extend type Query {
    "Up to 200, soonest first. Team members."
    scheduledChanges(teamId: ID!, featureId: ID, status: ScheduleStatus): [ScheduledChange!]!
  }

  extend type Mutation {
    """
    enable/disable: team admins; set_rollout and archive_feature: team admins and requesters (refused
    when an environment they change is protected); stage_change: team admins and requesters.
    """
    createScheduledChange(input: CreateScheduledChangeInput!): ScheduledChange!
    "Moves a pending change to scheduledAt (and re-arms its alarm); timezone: null keeps it. Team admins, or the change's creator."
    rescheduleScheduledChange(id: ID!, scheduledAt: DateTime!, timezone: String): ScheduledChange!
    "Team admins, or the change's creator."
    cancelScheduledChange(id: ID!): ScheduledChange!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    scheduledChanges: async (_p, args: { teamId: string; featureId?: string | null; status?: string | null }, ctx) =>
      listScheduledChanges(ctx.deps, await ctx.principal(), args.teamId, args),
  },
  Mutation: {
    createScheduledChange: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createScheduledChange(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    rescheduleScheduledChange: async (_p, args: { id: string; scheduledAt: Date; timezone?: string | null }, ctx) =>
      rescheduleScheduledChange(ctx.deps, await ctx.principal(), withoutNulls(args)),
    cancelScheduledChange: async (_p, args: { id: string }, ctx) => cancelScheduledChange(ctx.deps, await ctx.principal(), args.id),
  },
};
