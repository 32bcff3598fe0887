// Scheduled changes: enable / disable a feature or set a rule's rollout at a given time.
import { cancelScheduledChange, createScheduledChange, listScheduledChanges } from "../../services/schedules";
import { withoutNulls } from "../inputs";
import type { ModuleResolvers } from "../module";

export const typeDefs = /* GraphQL */ `
  """
  enable: release the feature's kill switch; disable: engage it (every environment);
  set_rollout: set the percentage of one rule; kill_switch_rollback: the automatic re-enable of
  emergencyDisableFeature(rollbackInMinutes).
  """
  enum ScheduledAction { enable disable set_rollout kill_switch_rollback }
  enum ScheduleStatus { pending done cancelled failed }

  type ScheduledChange {
    id: ID!
    teamId: ID!
    featureId: ID!
    "The environment whose Durable Object runs it (and that set_rollout changes)."
    environmentId: ID
    action: ScheduledAction!
    payload: JSON!
    runAt: DateTime!
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
  }

  extend type Query {
    "Up to 200, soonest first. Team members."
    scheduledChanges(teamId: ID!, featureId: ID, status: ScheduleStatus): [ScheduledChange!]!
  }

  extend type Mutation {
    "enable/disable: team admins; set_rollout: team admins and requesters (refused in protected environments)."
    createScheduledChange(input: CreateScheduledChangeInput!): ScheduledChange!
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
    cancelScheduledChange: async (_p, args: { id: string }, ctx) => cancelScheduledChange(ctx.deps, await ctx.principal(), args.id),
  },
};
